package io.veneer.controlplane.console;

import java.util.UUID;

/**
 * What a redeemed ticket opens: the display of {@code desktopId} on {@code hostId}, through the
 * console listener of that host's agent at {@code host}:{@code port} ({@code host} being the host's
 * own address, where its agent's stream comes from), which relays to it for {@code grant}.
 *
 * @param grant a console grant signed by the control plane, good once, for seconds
 */
public record ConsoleAccess(
    UUID desktopId, String hostId, String host, int port, String grant, String protocol) {

  @Override
  public String toString() {
    return "ConsoleAccess[desktop=" + desktopId + ", host=" + hostId + "]";
  }
}
