package io.veneer.agent;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** {@code java -jar node-agent.jar}: settings from the environment (see the README). */
public final class NodeAgentMain {

  private NodeAgentMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    oneLineLogs();
    AgentSettings settings;
    try {
      settings = AgentSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("node-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    NodeAgent agent = new NodeAgent(settings, NodeAgent.hypervisor(settings));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                }));
    Logger.getLogger("io.veneer.agent")
        .info(
            "event=agent-started host="
                + settings.hostId()
                + " driver="
                + settings.driver()
                + " controlPlane="
                + settings.controlPlane()
                + " data="
                + settings.dataDir().toAbsolutePath());
    agent.start();
    stopped.await();
  }

  /** key=value lines, one per event, as the rest of Veneer logs. */
  private static void oneLineLogs() {
    Logger root = Logger.getLogger("");
    for (var handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setFormatter(
        new Formatter() {
          @Override
          public String format(LogRecord record) {
            return record.getInstant()
                + " "
                + record.getLevel()
                + " "
                + record.getLoggerName().replaceFirst(".*\\.", "")
                + " "
                + formatMessage(record)
                + System.lineSeparator();
          }
        });
    handler.setLevel(Level.INFO);
    root.addHandler(handler);
  }
}
