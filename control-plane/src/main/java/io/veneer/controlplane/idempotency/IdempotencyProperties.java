package io.veneer.controlplane.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Idempotency-Key settings ({@code veneer.idempotency.*}).
 *
 * @param ttl how long a key is remembered (default 24h); after that the same key makes a new
 *     resource, and housekeeping deletes the key's row
 * @param housekeepingInterval how often each replica deletes the rows of expired keys (default 10m)
 */
@ConfigurationProperties("veneer.idempotency")
public record IdempotencyProperties(
    @DefaultValue("24h") Duration ttl, @DefaultValue("10m") Duration housekeepingInterval) {

  public IdempotencyProperties {
    if (ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("veneer.idempotency.ttl must be at least 1s, was " + ttl);
    }
    if (housekeepingInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "veneer.idempotency.housekeeping-interval must be positive, was " + housekeepingInterval);
    }
  }
}
