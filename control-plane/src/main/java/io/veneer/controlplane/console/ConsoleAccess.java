package io.veneer.controlplane.console;

import java.util.UUID;

/**
 * What a redeemed ticket opens: the display of {@code desktopId} on {@code hostId}, at {@code
 * host}:{@code port}, where {@code host} is the host's own address (its agent's stream's), with the
 * display's VNC password.
 */
public record ConsoleAccess(
    UUID desktopId, String hostId, String host, Integer port, String password, String protocol) {}
