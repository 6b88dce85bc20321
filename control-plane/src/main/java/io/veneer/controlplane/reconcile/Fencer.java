package io.veneer.controlplane.reconcile;

/**
 * Makes sure a host no longer runs anything (powers it off, cuts it off its storage and network),
 * so that its desktops can be rebuilt elsewhere without ever running twice. A deployment plugs one
 * in: {@link CommandFencer} runs the command it configures.
 */
public interface Fencer {

  /** What came of one attempt. */
  sealed interface Outcome {
    /** The host is fenced; {@code detail} says how, for the audit log. */
    record Fenced(String detail) implements Outcome {}

    /** The host may still be running; {@code reason} says what went wrong. */
    record Failed(String reason) implements Outcome {}
  }

  /** Fences {@code hostId}; may take as long as the deployment's fence does. */
  Outcome fence(String hostId);
}
