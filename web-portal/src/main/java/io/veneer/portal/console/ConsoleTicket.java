package io.veneer.portal.console;

import io.veneer.portal.backend.ControlPlaneViews.Console;
import java.time.Instant;
import java.util.UUID;

/**
 * Admission to one desktop's console, for one person, once, until {@code expiresAt}. The endpoint
 * and its password stay on the server.
 */
record ConsoleTicket(
    String value, String username, UUID desktopId, Console endpoint, Instant expiresAt) {

  @Override
  public String toString() {
    return "ConsoleTicket[user="
        + username
        + ", desktop="
        + desktopId
        + ", expires="
        + expiresAt
        + "]";
  }
}
