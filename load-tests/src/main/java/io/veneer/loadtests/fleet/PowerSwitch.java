package io.veneer.loadtests.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A simulated power distribution unit for the simulated fleet, driven by the control plane's {@code
 * command} fencing mode: {@link #fenceCommand()} is the fence program the replicas run with the
 * host's id. For a host wired to an outlet ({@link #wire}) it asks the switch to cut the power and
 * exits 0 once the switch says it is off; the switch kills the host's agent as a power-off would
 * (its guests end with it). For any other host it fails, as a PDU with no outlet for it. The
 * command and the switch speak through files in one directory: the replicas are other processes.
 */
public final class PowerSwitch implements AutoCloseable {

  private static final Logger log = Logger.getLogger(PowerSwitch.class.getName());

  private final Path directory;
  private final Path command;
  private final Set<String> wired = ConcurrentHashMap.newKeySet();
  private final Set<String> poweredOff = ConcurrentHashMap.newKeySet();
  private volatile SimulatedFleet fleet;
  private volatile Thread watcher;

  private PowerSwitch(Path directory, Path command) {
    this.directory = directory;
    this.command = command;
  }

  /** Writes the fence program into {@code directory} (emptied first). */
  public static PowerSwitch in(Path directory) {
    try {
      if (Files.exists(directory)) {
        try (Stream<Path> old = Files.list(directory)) {
          for (Path file : old.toList()) {
            Files.delete(file);
          }
        }
      }
      Files.createDirectories(directory);
      Path command = directory.resolve("fence.sh");
      // Waits up to 20 s for the switch: the control plane kills a fence past its own timeout.
      Files.writeString(
          command,
          """
          #!/bin/sh
          dir=$(dirname "$0")
          if [ ! -e "$dir/$1.outlet" ]; then echo "PDU: no outlet for $1"; exit 3; fi
          : > "$dir/$1.cut"
          i=0
          while [ $i -lt 200 ]; do
            if [ -e "$dir/$1.off" ]; then echo "powered off $1"; exit 0; fi
            sleep 0.1
            i=$((i + 1))
          done
          echo "PDU: $1 still on"
          exit 4
          """);
      Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwx------"));
      return new PowerSwitch(directory, command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The control plane's {@code veneer.fencing.command}. */
  public String fenceCommand() {
    return command.toAbsolutePath() + ",{host}";
  }

  /** Starts obeying the fence command: from now on a cut host's agent is killed. */
  public void control(SimulatedFleet fleet) {
    this.fleet = fleet;
    watcher = Thread.ofPlatform().name("power-switch").daemon().start(this::watch);
  }

  /** The host gets an outlet: its fence succeeds from now on. */
  public void wire(String hostId) {
    try {
      Files.writeString(directory.resolve(hostId + ".outlet"), "");
      wired.add(hostId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the switch has cut the host's power. */
  public boolean poweredOff(String hostId) {
    return poweredOff.contains(hostId);
  }

  private void watch() {
    while (!Thread.currentThread().isInterrupted()) {
      for (String host : List.copyOf(wired)) {
        Path cut = directory.resolve(host + ".cut");
        if (Files.exists(cut) && poweredOff.add(host)) {
          log.info("event=power-switch.cut host=" + host);
          fleet.kill(List.of(host));
          try {
            Files.writeString(directory.resolve(host + ".off"), "");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    Thread running = watcher;
    if (running != null) {
      running.interrupt();
    }
  }
}
