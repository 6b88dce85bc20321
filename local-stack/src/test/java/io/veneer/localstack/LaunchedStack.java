package io.veneer.localstack;

import io.veneer.localstack.api.JsonApi;
import io.veneer.localstack.auth.PasswordGrant;
import io.veneer.localstack.parts.AgentDataPath;
import io.veneer.localstack.process.ProcessRecords;
import io.veneer.localstack.process.Termination;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The stack started the way {@code ./veneer up} starts it: the launcher jar as its own process, on
 * its own state directory and ports, with the QEMU driver. Stopped the way Ctrl-C stops it.
 */
final class LaunchedStack implements AutoCloseable {

  /** A cold start: Keycloak (~30 s), both services and the portal, guests booting under TCG. */
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(6);

  private final StackLayout layout;
  private final StackInfo info;
  private final Process launcher;
  private final Path output;

  private LaunchedStack(StackLayout layout, StackInfo info, Process launcher, Path output) {
    this.layout = layout;
    this.info = info;
    this.launcher = launcher;
    this.output = output;
  }

  /** Starts a fresh stack (an empty state directory: a cold start) and waits until it is up. */
  static LaunchedStack up(Path repo, Path stateDir) throws IOException, InterruptedException {
    deleteTree(stateDir);
    Files.createDirectories(stateDir);
    StackLayout layout = new StackLayout(stateDir);
    Path output = stateDir.resolveSibling(stateDir.getFileName() + ".out");
    Path jar = repo.resolve("local-stack/target/local-stack.jar");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "up")
            .directory(repo.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(output.toFile())
            .redirectErrorStream(true);
    builder.environment().put("VENEER_REPO", repo.toString());
    builder.environment().put("VENEER_STATE_DIR", stateDir.toString());
    builder.environment().put("VENEER_PORT_OFFSET", String.valueOf(freePortOffset()));
    // Real guests; -Dveneer.stack.driver=libvirt runs the same tests on the libvirt driver.
    builder.environment().put("VENEER_DRIVER", System.getProperty("veneer.stack.driver", "qemu"));
    // Writing every class-data archive at the first stop takes minutes on a loaded machine.
    builder.environment().put("VENEER_CDS", "off");
    Process launcher = builder.start();
    Path infoFile = layout.run().resolve("stack.json");
    long deadline = System.nanoTime() + UP_TIMEOUT.toNanos();
    while (!Files.exists(infoFile)) {
      if (!launcher.isAlive() || System.nanoTime() > deadline) {
        Termination.terminate(launcher.toHandle(), Duration.ofSeconds(60));
        throw new IllegalStateException(
            "./veneer up did not come up:\n" + Files.readString(output));
      }
      Thread.sleep(250);
    }
    return new LaunchedStack(layout, StackInfo.read(infoFile), launcher, output);
  }

  StackLayout layout() {
    return layout;
  }

  StackInfo info() {
    return info;
  }

  /** The control plane's API as the demo user, with a token from the stack's Keycloak. */
  JsonApi api(String user) throws IOException, InterruptedException {
    return new JsonApi(URI.create(info.controlPlane()), token(user));
  }

  /** The golden image service's API as the demo user (its admin realm role is what counts). */
  JsonApi imagesApi(String user) throws IOException, InterruptedException {
    return new JsonApi(URI.create(info.images()), token(user));
  }

  /** An access token of the demo user from the stack's Keycloak (password grant, veneer-cli). */
  String token(String user) throws IOException, InterruptedException {
    return PasswordGrant.accessToken(
        URI.create(info.tokenEndpoint()), user, info.passwords().get(user));
  }

  String output() throws IOException {
    return Files.readString(output);
  }

  /** A recorded child of the launcher (kafka, control-plane, agent-local-1, ...). */
  Optional<ProcessHandle> part(String name) throws IOException {
    return new ProcessRecords(layout.processes())
        .entries().stream()
            .filter(entry -> entry.name().equals(name))
            .reduce((first, second) -> second)
            .flatMap(ProcessRecords.Entry::live);
  }

  /** The log of one part of the stack ({@code control-plane}, {@code agent-<host>}, ...). */
  List<String> logOf(String part) throws IOException {
    return Files.readAllLines(layout.log(part));
  }

  Path desktopDir(String hostId, String desktopId) {
    return layout.agentData(hostId).resolve("desktops").resolve(desktopId);
  }

  /** Every QEMU process of one desktop, found by the name the driver gives the guest. */
  static List<ProcessHandle> qemuProcessesOf(String desktopId) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(List::of)
                    .orElse(List.of())
                    .contains("veneer-" + desktopId))
        .toList();
  }

  /**
   * Every live process whose command line names the state directory (or the short links to its
   * agents' data that guests see): what must not survive the stack.
   */
  List<String> processesUsingState() {
    List<String> roots =
        List.of(
            layout.root().toString(), AgentDataPath.linkDirectory(layout.root()).toString() + "/");
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .forEach(
            p ->
                p.info()
                    .commandLine()
                    .filter(line -> roots.stream().anyMatch(line::contains))
                    .ifPresent(line -> found.add(p.pid() + " " + line)));
    return found;
  }

  /** SIGTERM, as Ctrl-C's shutdown does; true when the launcher exited within the time. */
  boolean stop(Duration timeout) {
    return Termination.terminate(launcher.toHandle(), timeout);
  }

  @Override
  public void close() {
    stop(Duration.ofMinutes(2));
  }

  private static int freePortOffset() {
    for (int offset = 1000; offset < 40000; offset += 1000) {
      if (StackPorts.DEFAULTS.offsetBy(offset).taken(StackPorts::isFree).isEmpty()) {
        return offset;
      }
    }
    throw new IllegalStateException("No free set of ports for the stack");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
