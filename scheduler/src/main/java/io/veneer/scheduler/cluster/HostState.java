package io.veneer.scheduler.cluster;

/** Scheduling state of a host; only {@link #UP} hosts receive new desktops. */
public enum HostState {
  UP("host-up", "up"),
  MAINTENANCE("host-in-maintenance", "in maintenance"),
  DRAINING("host-draining", "draining"),
  FENCED("host-fenced", "fenced"),
  /** Up by its last word, but its agent has not been heard from lately: it may be cut off. */
  SILENT("host-silent", "not heard from lately"),
  DOWN("host-down", "down");

  private final String code;
  private final String phrase;

  HostState(String code, String phrase) {
    this.code = code;
    this.phrase = phrase;
  }

  /** The stable code of a refusal for this state, e.g. "host-in-maintenance". */
  public String code() {
    return code;
  }

  /** How a person reads the state in an explanation, e.g. "in maintenance". */
  public String phrase() {
    return phrase;
  }
}
