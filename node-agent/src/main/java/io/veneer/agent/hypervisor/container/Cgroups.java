package io.veneer.agent.hypervisor.container;

import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A container desktop's memory and CPU limits, as cgroups under the agent's own: {@code
 * memory.limit_in_bytes} (and the swap-inclusive limit where the host accounts swap) and a CFS
 * quota of one period per virtual CPU. Only the cgroup v1 hierarchies are driven: under cgroup v2
 * the agent's own cgroup holds the agent, and a group with processes cannot delegate controllers to
 * children, so a v2 host is refused with that reason rather than run unlimited.
 *
 * @param memory the agent's memory cgroup directory, or null
 * @param cpu the agent's cpu cgroup directory, or null
 * @param unavailable why limits cannot be set on this host; empty when they can
 */
record Cgroups(Path memory, Path cpu, String unavailable) {

  private static final Logger log = Logger.getLogger(Cgroups.class.getName());
  private static final long CFS_PERIOD_US = 100_000;
  private static final Duration REMOVE_PATIENCE = Duration.ofSeconds(5);

  /** The cgroups of the calling process, as {@code /proc/self/cgroup} lists them. */
  static Cgroups ofThisProcess() {
    return of(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
  }

  static Cgroups of(Path procCgroup, Path mount) {
    List<String> lines;
    try {
      lines = Files.readAllLines(procCgroup);
    } catch (IOException e) {
      return new Cgroups(null, null, "cannot read " + procCgroup + ": " + e.getMessage());
    }
    Optional<Path> memory = v1(lines, "memory", mount.resolve("memory"));
    Optional<Path> cpu = v1(lines, "cpu", mount.resolve("cpu"));
    if (memory.isEmpty() || cpu.isEmpty()) {
      return new Cgroups(
          null,
          null,
          "this host has no writable cgroup v1 memory and cpu hierarchies (a cgroup v2 host is not"
              + " supported: the agent's own cgroup cannot delegate to its desktops)");
    }
    return new Cgroups(memory.get(), cpu.get(), "");
  }

  /** The directory of the process's group in the v1 hierarchy holding the controller. */
  private static Optional<Path> v1(List<String> lines, String controller, Path hierarchy) {
    for (String line : lines) {
      String[] fields = line.split(":", 3);
      if (fields.length == 3 && List.of(fields[1].split(",")).contains(controller)) {
        Path dir = hierarchy.resolve(fields[2].substring(1));
        return Files.isWritable(dir) ? Optional.of(dir) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Makes the desktop's groups with its size's limits; returns the groups to join. */
  List<Path> create(String desktopId, GuestSpec.Size size) throws HypervisorException {
    if (!unavailable.isEmpty()) {
      throw new HypervisorException(
          "Cannot limit the memory and CPU of " + desktopId + ": " + unavailable);
    }
    Path mem = memory.resolve(groupName(desktopId));
    Path cpus = cpu.resolve(groupName(desktopId));
    try {
      Files.createDirectories(mem);
      Files.createDirectories(cpus);
      long bytes = size.memoryMib() << 20;
      Files.writeString(mem.resolve("memory.limit_in_bytes"), String.valueOf(bytes));
      if (Files.exists(mem.resolve("memory.memsw.limit_in_bytes"))) {
        Files.writeString(mem.resolve("memory.memsw.limit_in_bytes"), String.valueOf(bytes));
      }
      Files.writeString(cpus.resolve("cpu.cfs_period_us"), String.valueOf(CFS_PERIOD_US));
      Files.writeString(
          cpus.resolve("cpu.cfs_quota_us"), String.valueOf(size.vcpus() * CFS_PERIOD_US));
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot limit the memory and CPU of " + desktopId + ": " + e.getMessage(), e);
    }
    return List.of(mem, cpus);
  }

  /** Every process of the desktop (all of them are in its memory group). */
  List<ProcessHandle> processes(String desktopId) {
    if (memory == null) {
      return List.of();
    }
    try (Stream<String> pids =
        Files.lines(memory.resolve(groupName(desktopId)).resolve("cgroup.procs"))) {
      List<ProcessHandle> processes = new ArrayList<>();
      pids.map(Long::parseLong).forEach(pid -> ProcessHandle.of(pid).ifPresent(processes::add));
      return processes;
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
  }

  /** The memory group's limit in bytes, for tests and figures; empty without one. */
  Optional<Long> memoryLimit(String desktopId) {
    try {
      return Optional.of(
          Long.parseLong(
              Files.readString(
                      memory.resolve(groupName(desktopId)).resolve("memory.limit_in_bytes"))
                  .strip()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Removes the desktop's groups once its processes are gone: killed ones leave their group a
   * moment after the launcher has ended, and a group with processes cannot be removed.
   */
  void remove(String desktopId) throws InterruptedException {
    if (memory == null) {
      return;
    }
    long deadline = System.nanoTime() + REMOVE_PATIENCE.toNanos();
    while (!processes(desktopId).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    for (Path hierarchy : List.of(memory, cpu)) {
      try {
        Files.deleteIfExists(hierarchy.resolve(groupName(desktopId)));
      } catch (IOException e) {
        log.warning("event=cgroup-not-removed desktop=" + desktopId + " reason=" + e.getMessage());
      }
    }
  }

  private static String groupName(String desktopId) {
    return "veneer-" + desktopId;
  }
}
