package io.veneer.controlplane.console;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser console settings ({@code veneer.console.*}).
 *
 * @param ticketTtlSeconds how long a console ticket may wait to be redeemed (default 60)
 * @param grantKeyFile the Ed25519 private key (PKCS#8 PEM) console grants are signed with; its
 *     public half is every agent's {@code VENEER_CONSOLE_GRANT_KEY}. Without it no console opens.
 * @param grantTtlSeconds how long a console grant is good for (default 30, at most 60: agents
 *     refuse longer ones)
 */
@ConfigurationProperties("veneer.console")
public record ConsoleProperties(
    @DefaultValue("60") int ticketTtlSeconds,
    Path grantKeyFile,
    @DefaultValue("30") int grantTtlSeconds) {

  public ConsoleProperties {
    if (ticketTtlSeconds < 1) {
      throw new IllegalArgumentException(
          "veneer.console.ticket-ttl-seconds must be at least 1, was " + ticketTtlSeconds);
    }
    if (grantTtlSeconds < 1 || grantTtlSeconds > 60) {
      throw new IllegalArgumentException(
          "veneer.console.grant-ttl-seconds must be 1-60 (agents refuse longer grants), was "
              + grantTtlSeconds);
    }
  }
}
