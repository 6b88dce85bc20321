package io.veneer.agent.balloon;

import java.io.IOException;
import java.util.logging.Logger;

/**
 * Whether the balloon policy runs, from {@code VENEER_BALLOON}: {@code on} and {@code off} are
 * obeyed ({@code on} where it cannot be honoured stops the agent, naming what is missing); unset,
 * it runs with the qemu driver wherever the kernel reports memory pressure, and is off, said once
 * in the log, where it does not (a kernel built without PSI or booted with {@code psi=0}).
 */
public final class BalloonSwitch {

  private static final Logger log = Logger.getLogger(BalloonSwitch.class.getName());

  private BalloonSwitch() {}

  public static boolean enabled(String setting, String driver, HostMemory host) {
    String value = setting == null ? "" : setting.strip();
    return switch (value) {
      case "off" -> false;
      case "on" -> {
        requireHonourable(driver, host);
        yield true;
      }
      case "" -> driver.equals("qemu") && pressureReadable(host);
      default ->
          throw new IllegalArgumentException(
              "VENEER_BALLOON must be on or off, not '" + value + "'");
    };
  }

  private static void requireHonourable(String driver, HostMemory host) {
    if (!driver.equals("qemu")) {
      throw new IllegalArgumentException(
          "VENEER_BALLOON=on needs the qemu driver (the "
              + driver
              + " driver cannot read guests' balloons); set VENEER_BALLOON=off");
    }
    try {
      host.read();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "VENEER_BALLOON=on needs /proc/pressure/memory and MemAvailable in /proc/meminfo ("
              + e.getMessage()
              + "); boot the kernel with psi=1 or set VENEER_BALLOON=off");
    }
  }

  private static boolean pressureReadable(HostMemory host) {
    try {
      host.read();
      return true;
    } catch (IOException | RuntimeException e) {
      log.info(
          "event=balloon-policy-off reason=\"host memory pressure unreadable: "
              + e.getMessage()
              + "\" hint=\"boot the kernel with psi=1 for the balloon policy, or set"
              + " VENEER_BALLOON=off\"");
      return false;
    }
  }
}
