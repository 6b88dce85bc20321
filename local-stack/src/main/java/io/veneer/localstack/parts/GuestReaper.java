package io.veneer.localstack.parts;

import io.veneer.localstack.process.Termination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Stops the QEMU guests of the local node agents. Agents leave guests running on purpose when they
 * stop (a restarted agent re-adopts them), so the stack stops them itself, after the agents: from
 * the pid file in each desktop's directory ({@code <agent data>/desktops/<id>/qemu.pid}), or, for
 * the libvirt driver's guests, the pid file libvirtd keeps for the desktop's domain ({@code
 * /run/libvirt/qemu/veneer-<id>.pid}), only when that pid still runs that desktop's QEMU. A libvirt
 * guest's QEMU ended so ends its (transient) domain.
 *
 * <p>Before the guest is ended it gets the {@code stopped} marker the QEMU driver writes on a
 * requested stop, so that on the next {@code up} the agent sees a stopped guest (and starts it
 * again) rather than a crashed one.
 */
public final class GuestReaper {

  private static final Path LIBVIRT_PIDS = Path.of("/run/libvirt/qemu");

  private GuestReaper() {}

  /** Stops every guest under the agents' data directories; returns the desktop ids it stopped. */
  public static List<String> stopGuests(Path agentsRoot, Duration grace) throws IOException {
    List<String> stopped = new ArrayList<>();
    for (Path desktop : desktopDirectories(agentsRoot)) {
      Optional<ProcessHandle> guest = guestProcess(desktop);
      if (guest.isPresent()) {
        Files.writeString(desktop.resolve("stopped"), "");
        if (!Termination.terminate(guest.get(), grace)) {
          throw new IOException(
              "QEMU pid " + guest.get().pid() + " of " + desktop + " survived SIGKILL");
        }
        stopped.add(desktop.getFileName().toString());
      }
    }
    return stopped;
  }

  /** The guests still running, for a last check that nothing is left behind. */
  public static List<Long> runningGuests(Path agentsRoot) throws IOException {
    List<Long> pids = new ArrayList<>();
    for (Path desktop : desktopDirectories(agentsRoot)) {
      guestProcess(desktop).ifPresent(guest -> pids.add(guest.pid()));
    }
    return pids;
  }

  static Optional<ProcessHandle> guestProcess(Path desktop) {
    String name = "veneer-" + desktop.getFileName();
    // QEMU started by the qemu driver is named by -name veneer-<id>; by libvirt, -name guest=...
    return running(desktop.resolve("qemu.pid"), name::equals)
        .or(
            () ->
                running(
                    LIBVIRT_PIDS.resolve(name + ".pid"),
                    argument -> argument.startsWith("guest=" + name + ",")));
  }

  /** The live process of the pid file, if one of its arguments names the guest. */
  private static Optional<ProcessHandle> running(Path pidFile, Predicate<String> namesTheGuest) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              process ->
                  process
                      .info()
                      .arguments()
                      .map(arguments -> Stream.of(arguments).anyMatch(namesTheGuest))
                      .orElse(false));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static List<Path> desktopDirectories(Path agentsRoot) throws IOException {
    if (!Files.isDirectory(agentsRoot)) {
      return List.of();
    }
    List<Path> desktops = new ArrayList<>();
    try (Stream<Path> agents = Files.list(agentsRoot)) {
      for (Path agent : agents.toList()) {
        Path dir = agent.resolve("desktops");
        if (Files.isDirectory(dir)) {
          try (Stream<Path> each = Files.list(dir)) {
            desktops.addAll(each.filter(Files::isDirectory).toList());
          }
        }
      }
    }
    return desktops;
  }
}
