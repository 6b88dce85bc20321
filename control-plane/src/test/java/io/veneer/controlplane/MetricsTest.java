package io.veneer.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * What Prometheus scrapes from {@code /actuator/prometheus} on the management port, without a
 * token.
 */
class MetricsTest extends ControlPlaneSpringTest {

  @LocalManagementPort int managementPort;
  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void desktopsByStateAndPlacementsAreExposed() throws Exception {
    hosts.register(
        new HostRegistration("metrics-" + run, new Resources(8, 32_768, 500), Map.of(), ""));
    UUID pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                    "metrics-" + run,
                    PoolKind.POOLED,
                    "tiny",
                    "v1",
                    AgentMessages.GOLDEN_DIGEST,
                    new Resources(1, 1024, 10),
                    0,
                    2,
                    0,
                    1,
                    Set.of("ann-" + run),
                    Set.of()),
                null)
            .id();
    desktops.create(Caller.user("ann-" + run), new DesktopService.CreateDesktop(pool, null), null);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(gauge(scrape(), "SCHEDULED")).isGreaterThanOrEqualTo(1));
    String metrics = scrape();
    assertThat(Arrays.stream(DesktopState.values()).filter(s -> s != DesktopState.DELETED))
        .allSatisfy(state -> assertThat(gauge(metrics, state.name())).isNotNegative());
    assertThat(metrics).contains("veneer_placements_total{", "veneer_agent_connections");
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static double gauge(String metrics, String state) {
    Matcher line =
        Pattern.compile("(?m)^veneer_desktops\\{state=\"" + state + "\"\\} (\\S+)$")
            .matcher(metrics);
    assertThat(line.find()).as("veneer_desktops for %s in%n%s", state, metrics).isTrue();
    return Double.parseDouble(line.group(1));
  }
}
