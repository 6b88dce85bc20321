package io.veneer.controlplane.desktops;

/** The power state a user or the pool controller wants a desktop in. */
public enum PowerState {
  ON,
  OFF
}
