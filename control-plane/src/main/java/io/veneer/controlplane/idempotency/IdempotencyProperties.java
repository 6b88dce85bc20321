package io.veneer.controlplane.idempotency;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Idempotency-Key settings ({@code veneer.idempotency.*}).
 *
 * @param ttlHours how long a key is remembered (default 24); after that the same key makes a new
 *     resource
 */
@ConfigurationProperties("veneer.idempotency")
public record IdempotencyProperties(@DefaultValue("24") int ttlHours) {

  public IdempotencyProperties {
    if (ttlHours < 1) {
      throw new IllegalArgumentException(
          "veneer.idempotency.ttl-hours must be at least 1, was " + ttlHours);
    }
  }
}
