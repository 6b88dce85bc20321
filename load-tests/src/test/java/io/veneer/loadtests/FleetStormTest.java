package io.veneer.loadtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.loadtests.fleet.BootTime;
import io.veneer.loadtests.fleet.HostCapacity;
import io.veneer.loadtests.report.StormReport;
import io.veneer.loadtests.stack.StormSettings;
import io.veneer.loadtests.stack.StormStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The harness end to end, short enough for every build: the control plane's jar on real PostgreSQL,
 * Kafka and Keycloak, 20 hosts each a real node agent on the simulated driver, 200 people asking
 * for a desktop at the same moment over REST; then everyone's desktop must be RUNNING and the
 * consistency check must find nothing lost, duplicated or over-committed.
 */
class FleetStormTest {

  private static final int HOSTS = 20;
  private static final int REQUESTS = 200;

  /**
   * In flight at once. All 200 together wait up to 20 s each for the pool's lock here (10
   * requests/s before the placement rewrite), near the control plane's 30 s wait for a database
   * connection.
   */
  private static final int IN_FLIGHT = 50;

  /** Room for 12 desktops of 1 GiB per host (memory binds first): 240 places for 200. */
  private static final HostCapacity HOST = new HostCapacity(8, 12 * 1024, 400);

  @Test
  void everyoneOfTwoHundredConcurrentRequestsGetsExactlyOneRunningDesktopWithinCapacity()
      throws Exception {
    StormSettings settings =
        new StormSettings(
            HOSTS,
            1,
            HOST,
            Map.of("vcpus", 1L, "memoryMib", 1024L, "diskGib", 10L),
            BootTime.parse("0.5-2"),
            0,
            REQUESTS,
            Duration.ZERO,
            Duration.ofSeconds(60),
            StormSettings.jarFromMaven(),
            List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            Path.of(System.getProperty("veneer.loadtests.target", "target")),
            Map.of(),
            Map.of(),
            false);
    try (StormStack stack = StormStack.start(settings)) {
      StormReport report = StormReport.begin(stack, "ci-200-on-20");
      CountDownLatch go = new CountDownLatch(1);
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      try (ExecutorService people = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < REQUESTS; i++) {
          String owner = "person-" + i;
          people.execute(
              () -> {
                try {
                  go.await();
                  inFlight.acquire();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                try {
                  stack.request(owner);
                } finally {
                  inFlight.release();
                }
              });
        }
        go.countDown();
      }
      List<JsonNode> desktops = stack.awaitRunning(settings.runningTimeout());
      StormReport.Figures figures = report.finish(desktops);

      assertThat(stack.acknowledgements().refusals()).as("refused requests").isEmpty();
      assertThat(figures.acknowledged()).isEqualTo(REQUESTS);
      assertThat(figures.consistency().passed()).as(figures.consistency().summary()).isTrue();
      assertThat(figures.requestToRunning().count()).isEqualTo(REQUESTS);
    }
  }
}
