package io.veneer.outbox;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The relay role's lease in {@code outbox_relay_lease}: which relay publishes, until when. Read and
 * written only under the relay's advisory lock, so claims never race.
 *
 * <p>The lease makes the role sticky, which keeps takeovers (each one a Kafka fencing and a read of
 * the position topic) to when the holder stopped or died. It is not what keeps events from being
 * published twice: Kafka's fencing of the role's transactional id is (see {@link OutboxRelay}).
 */
final class RelayLease {

  /** What a relay's claim found. */
  enum Claim {
    /** This relay held the role and still does. */
    HELD,
    /** This relay took the role over: nobody held it, or its holder's lease lapsed. */
    TAKEN_OVER,
    /** Another relay holds the role. */
    HELD_ELSEWHERE
  }

  private final JdbcTemplate jdbc;
  private final UUID relay;
  private final Duration term;

  RelayLease(JdbcTemplate jdbc, UUID relay, Duration term) {
    this.jdbc = jdbc;
    this.relay = relay;
    this.term = term;
  }

  /** Claims the role for this relay, renewing its lease once half of it has run. */
  Claim claim() {
    List<Holding> holdings =
        jdbc.query(
            """
            SELECT holder, held_until < now() AS lapsed,
                   held_until < now() + make_interval(secs => ?) AS renewal_due
            FROM outbox_relay_lease
            """,
            (row, index) ->
                new Holding(
                    row.getObject("holder", UUID.class),
                    row.getBoolean("lapsed"),
                    row.getBoolean("renewal_due")),
            seconds(term) / 2);
    if (holdings.isEmpty()) {
      jdbc.update(
          "INSERT INTO outbox_relay_lease (holder, held_until)"
              + " VALUES (?, now() + make_interval(secs => ?))",
          relay,
          seconds(term));
      return Claim.TAKEN_OVER;
    }
    Holding holding = holdings.getFirst();
    if (holding.holder().equals(relay)) {
      if (holding.renewalDue()) {
        hold();
      }
      return Claim.HELD;
    }
    if (!holding.lapsed()) {
      return Claim.HELD_ELSEWHERE;
    }
    hold();
    return Claim.TAKEN_OVER;
  }

  /**
   * Gives the role up at once (a relay stopping), so that another takes it over without waiting.
   */
  void release() {
    jdbc.update("UPDATE outbox_relay_lease SET held_until = now() WHERE holder = ?", relay);
  }

  private void hold() {
    jdbc.update(
        "UPDATE outbox_relay_lease SET holder = ?, held_until = now() + make_interval(secs => ?)",
        relay,
        seconds(term));
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private record Holding(UUID holder, boolean lapsed, boolean renewalDue) {}
}
