package io.veneer.controlplane.console;

import java.time.Instant;
import java.util.UUID;

/** A single-use pass to one desktop's console for one user, shown once. */
public record ConsoleTicket(String ticket, UUID desktopId, Instant expiresAt) {}
