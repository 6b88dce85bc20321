package io.veneer.scheduler.filter;

/**
 * Why a filter turned a host away, in words a person can act on ("insufficient memory", "in
 * maintenance", "missing label gpu=true"). Refusals are counted per distinct reason.
 */
public record Rejection(String reason) {

  public Rejection {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("A rejection needs a reason");
    }
  }
}
