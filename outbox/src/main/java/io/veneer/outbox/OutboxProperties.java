package io.veneer.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the outbox relay ({@code veneer.outbox.relay.*}).
 *
 * @param enabled whether this process publishes the outbox (default true; every replica may, only
 *     one publishes at a time)
 * @param pollInterval pause between two polls of an empty outbox (default 200ms)
 * @param batchSize most events published per transaction (default 500)
 * @param sendTimeout how long a batch's Kafka transaction may take before the relay gives it up (it
 *     is sent again; readers never see the copy given up), and the producer's request timeout (at
 *     most 5 s of it) (default 15s)
 * @param retention how long published events stay in the table for diagnosis (default 24h)
 * @param takeoverAfter how long the relay role stays with a relay that stopped renewing it (its
 *     replica killed) before another relay takes it over (default 10s; a relay that stops cleanly
 *     hands it over at once)
 */
@ConfigurationProperties("veneer.outbox.relay")
public record OutboxProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("200ms") Duration pollInterval,
    @DefaultValue("500") int batchSize,
    @DefaultValue("15s") Duration sendTimeout,
    @DefaultValue("24h") Duration retention,
    @DefaultValue("10s") Duration takeoverAfter) {

  public OutboxProperties {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("veneer.outbox.relay.poll-interval must be positive");
    }
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException(
          "veneer.outbox.relay.batch-size must be between 1 and 10000, not " + batchSize);
    }
    if (sendTimeout.isNegative() || sendTimeout.isZero()) {
      throw new IllegalArgumentException("veneer.outbox.relay.send-timeout must be positive");
    }
    if (takeoverAfter.compareTo(pollInterval) <= 0) {
      throw new IllegalArgumentException(
          "veneer.outbox.relay.takeover-after must be longer than the poll interval ("
              + pollInterval
              + "), or the role would lapse between two polls of its holder, not "
              + takeoverAfter);
    }
  }
}
