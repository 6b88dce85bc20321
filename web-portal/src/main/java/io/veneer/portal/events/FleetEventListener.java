package io.veneer.portal.events;

/** Told every event once, on the event stream's thread: must not block for long. */
public interface FleetEventListener {

  void on(FleetEvent event);
}
