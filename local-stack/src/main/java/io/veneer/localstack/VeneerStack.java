package io.veneer.localstack;

import io.veneer.localstack.process.JavaCommand;
import io.veneer.localstack.process.ProcessLauncher;
import io.veneer.localstack.process.ProcessRecords;
import io.veneer.localstack.process.ShutdownOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code ./veneer} launcher: {@code up} runs the whole system on this machine in the foreground
 * until Ctrl-C or {@code ./veneer down}; {@code status} says what runs.
 */
public final class VeneerStack {

  private VeneerStack() {}

  public static void main(String[] args) {
    // test-support (on the classpath for its Keycloak code) carries a logback-test.xml, which
    // logback would prefer to the launcher's own logback.xml.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback.xml");
    }
    Map<String, String> env = System.getenv();
    SourceTree tree = SourceTree.fromEnvironment(env);
    StackLayout layout = StackLayout.fromEnvironment(env, tree.root());
    Progress progress = new Progress(System.out, layout);
    String command = args.length == 0 ? "up" : args[0];
    int code;
    try {
      code =
          switch (command) {
            case "up" -> up(env, tree, layout, progress);
            case "down" -> new StackDown(layout, progress).run();
            case "status" -> new StackStatus(layout, progress).run();
            default -> {
              progress.say("usage: ./veneer [up|down|status]");
              yield 2;
            }
          };
    } catch (IOException e) {
      progress.say("veneer " + command + " failed: " + e.getMessage());
      code = 1;
    } catch (InterruptedException e) {
      code = 130;
    }
    System.exit(code);
  }

  private static int up(
      Map<String, String> env, SourceTree tree, StackLayout layout, Progress progress)
      throws IOException, InterruptedException {
    StackPorts ports;
    try {
      ports = StackPorts.fromEnvironment(env);
      JavaCommand.archives(env, layout.sharedArchives());
    } catch (IllegalArgumentException e) {
      progress.say(e.getMessage());
      return 2;
    }
    layout.create();
    var running = StackDown.launcher(layout);
    if (running.isPresent()) {
      progress.failed(
          new StartupFailure(
              "veneer",
              "already up (launcher pid " + running.get().pid() + ")",
              "./veneer status shows it; ./veneer down stops it"));
      return 1;
    }
    new StackDown(layout, progress).stopLeftovers();
    List<String> taken = ports.taken(StackPorts::isFree);
    if (!taken.isEmpty()) {
      progress.failed(
          new StartupFailure(
              "veneer",
              "ports in use: " + String.join(", ", taken),
              "stop what holds them, or move every port: VENEER_PORT_OFFSET=100 ./veneer up"));
      return 1;
    }
    if (!tree.built()) {
      progress.failed(
          new StartupFailure(
              "veneer",
              "the services' jars are missing under " + tree.root(),
              "build them: ./mvnw -q -B -DskipTests package (./veneer up does this itself)"));
      return 1;
    }
    new ProcessRecords(layout.launcherPid()).add("launcher", ProcessHandle.current());

    long begin = System.nanoTime();
    ShutdownOrder order = new ShutdownOrder();
    StackUp stack =
        new StackUp(
            layout,
            ports,
            tree,
            env,
            progress,
            order,
            new ProcessLauncher(new ProcessRecords(layout.processes())));
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(order, layout, progress), "veneer-down"));
    try {
      StackInfo info = stack.run();
      NextSteps.print(progress, layout, info, Duration.ofNanos(System.nanoTime() - begin));
      stack.watch();
    } catch (StartupFailure failure) {
      progress.failed(failure);
      return 1;
    } catch (ShutdownOrder.StoppingException stopping) {
      // Ctrl-C: the shutdown hook is stopping everything.
      return 130;
    }
    return 0;
  }

  private static void stop(ShutdownOrder order, StackLayout layout, Progress progress) {
    progress.say("\nStopping Veneer...");
    order.stopAll(
        new ShutdownOrder.Listener() {
          @Override
          public void stopping(String name) {
            progress.stopping(name);
          }

          @Override
          public void stopped(String name, Duration took) {
            progress.stopped(name, took);
          }

          @Override
          public void failed(String name, Exception failure) {
            progress.stopFailed(name, failure);
          }
        });
    try {
      Files.deleteIfExists(layout.run().resolve("stack.json"));
      Files.deleteIfExists(layout.launcherPid());
    } catch (IOException e) {
      progress.say("Could not clear " + layout.show(layout.run()) + ": " + e.getMessage());
    }
    progress.say("Veneer stopped. Its data stays in " + layout.show(layout.root()) + ".");
  }
}
