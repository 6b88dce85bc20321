package io.veneer.controlplane.console;

import java.util.UUID;

/**
 * What a redeemed ticket opens: the display of {@code desktopId} on {@code hostId}, at {@code
 * host}:{@code port} (or {@code unixSocket}) as seen from that host, with its VNC password.
 */
public record ConsoleAccess(
    UUID desktopId,
    String hostId,
    String host,
    Integer port,
    String unixSocket,
    String password,
    String protocol) {}
