package io.veneer.controlplane.hosts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * When this replica could not hear its hosts, so that a host's silence does not count that time.
 * While the database is away no heartbeat is recorded, and a replica that has just started heard
 * nothing before: judged on their last heartbeats alone, every host would be silent past its grace
 * at once afterwards. A host is silent when the time since its last heartbeat, less the part of it
 * this replica was deaf, passes the grace. The last deaf spell is kept (the replica's start, until
 * it has one since), so a short failure discounts only its own length.
 */
@Component
public class Hearing {

  private static final Logger log = LoggerFactory.getLogger(Hearing.class);

  // The last deaf spell; before the first, the replica's life before its start.
  private Instant spellFrom = Instant.EPOCH;
  private Instant spellUntil;
  // Non-null while deaf: since when.
  private Instant deafFrom;

  public Hearing() {
    spellUntil = Clock.systemUTC().instant();
  }

  /** One that started at {@code start}, for tests. */
  static Hearing startedAt(Instant start) {
    Hearing hearing = new Hearing();
    hearing.spellUntil = start;
    return hearing;
  }

  /**
   * Recording a heartbeat, or reading them, failed at {@code at}: nothing is heard until it works
   * again.
   */
  public synchronized void interrupted(Instant at) {
    if (deafFrom == null) {
      deafFrom = at;
      log.warn("event=hosts.hearing-interrupted at={}", deafFrom);
    }
  }

  /** Recording a heartbeat, or reading them, worked at {@code at}. */
  public synchronized void heard(Instant at) {
    if (deafFrom != null) {
      spellFrom = deafFrom;
      spellUntil = at.isBefore(deafFrom) ? deafFrom : at;
      deafFrom = null;
      log.info(
          "event=hosts.hearing-again deafFrom={} deafSeconds={}",
          spellFrom,
          Duration.between(spellFrom, spellUntil).toMillis() / 1000.0);
    }
  }

  /**
   * The cutoff for {@link HostService#markUnreachable}: hosts last heard before it have been silent
   * past {@code grace}, not counting the last deaf spell (or the one going on).
   */
  public synchronized Instant silentBefore(Instant now, Duration grace) {
    Instant from = deafFrom == null ? spellFrom : deafFrom;
    Instant until = deafFrom == null ? spellUntil : now;
    Instant cutoff = now.minus(grace);
    if (!cutoff.isBefore(until)) {
      return cutoff;
    }
    if (from.equals(Instant.EPOCH)) {
      // Deaf since before it started: heard for less than the grace, no host can be silent yet.
      return Instant.EPOCH;
    }
    // Heard for less than the grace since the spell: the rest of the grace counts before it.
    return from.minus(grace.minus(Duration.between(until, now)));
  }
}
