package io.veneer.loadtests.history;

import java.time.Instant;

/**
 * One line of a run's history: an operation a client performed, or a fact observed in the fleet, on
 * Kafka or in the control plane. Every fact carries the instant it was observed on this JVM's
 * clock, which the whole simulated fleet shares, so facts of different hosts compare in time.
 */
public sealed interface Fact {

  Instant at();

  /**
   * One attempt of a desktop request: who asked, with which idempotency key, which replica, what
   * came back ({@code status} 0 when no answer came) and when. Retries of one request share its
   * key.
   */
  record Request(
      Instant at,
      String client,
      String key,
      String owner,
      String replica,
      Instant answeredAt,
      int status,
      String desktopId)
      implements Fact {

    public boolean acknowledged() {
      return status / 100 == 2 && !desktopId.isEmpty();
    }
  }

  /** The simulated driver started a guest of the desktop on the host, on its disk. */
  record GuestStarted(Instant at, String host, String desktopId, String disk) implements Fact {}

  /**
   * A guest of the desktop on the host ended: stopped or destroyed by the driver, or gone with its
   * agent ({@code cause} says which).
   */
  record GuestEnded(Instant at, String host, String desktopId, String cause) implements Fact {}

  /** The host's agent saw the desktop's guest change state (the driver's observation). */
  record StateSeen(Instant at, String host, String desktopId, String state) implements Fact {}

  /** An event the control plane wrote to its outbox, in the outbox's order ({@code sequence}). */
  record EventWritten(Instant at, String eventId, String key, long sequence) implements Fact {}

  /** An event read from Kafka by the history's consumer. */
  record EventRead(Instant at, String eventId, String key, String topic, int partition, long offset)
      implements Fact {}

  /** A run begins: the facts up to the next run's beginning are this run's. */
  record RunBegan(Instant at, String run) implements Fact {}

  /** A fault injected into the run, on what. */
  record FaultBegan(Instant at, String fault, String targets) implements Fact {}

  /** The fault ended (healed, restarted, or over): convergence is measured from here. */
  record FaultEnded(Instant at, String fault) implements Fact {}

  /** A desktop as the control plane listed it at the end of the run. */
  record DesktopListed(Instant at, String desktopId, String owner, String state, String host)
      implements Fact {}
}
