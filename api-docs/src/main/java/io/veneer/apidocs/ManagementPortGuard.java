package io.veneer.apidocs;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.env.Environment;

/**
 * Refuses to start with the actuator on the public port: there it would serve metrics and the
 * OpenAPI document to anyone who reaches the API (docs/security.md). Each service imports it
 * ({@code @Import(ManagementPortGuard.class)}).
 */
public final class ManagementPortGuard {

  public ManagementPortGuard(Environment environment) {
    requireItsOwnPort(environment);
  }

  /** Passes when the actuator has a port of its own, or none (-1). */
  static void requireItsOwnPort(Environment environment) {
    if (ManagementPortType.get(environment) == ManagementPortType.SAME) {
      throw new IllegalStateException(
          "management.server.port (env MANAGEMENT_PORT) must be a port other than server.port"
              + " (env PORT), or -1 to turn the actuator off: on the public port it would serve"
              + " metrics and the OpenAPI document without a token");
    }
  }
}
