package io.veneer.controlplane.console;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser console settings ({@code veneer.console.*}).
 *
 * @param ticketTtlSeconds how long a console ticket may wait to be redeemed (default 60)
 */
@ConfigurationProperties("veneer.console")
public record ConsoleProperties(@DefaultValue("60") int ticketTtlSeconds) {

  public ConsoleProperties {
    if (ticketTtlSeconds < 1) {
      throw new IllegalArgumentException(
          "veneer.console.ticket-ttl-seconds must be at least 1, was " + ticketTtlSeconds);
    }
  }
}
