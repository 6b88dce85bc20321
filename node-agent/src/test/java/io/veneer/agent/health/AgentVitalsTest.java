package io.veneer.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentVitalsTest {

  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  @Test
  void theAgentIsLiveWhileItsLoopPassesAndNotOnceItStopsPassing() {
    AgentVitals vitals = new AgentVitals();

    vitals.passed(NOW.minusSeconds(29), Map.of(), 0);
    assertThat(vitals.notLive(NOW)).isNull();

    vitals.passed(NOW.minus(Duration.ofSeconds(31)), Map.of(), 0);
    assertThat(vitals.notLive(NOW)).isEqualTo("the agent's loop has not run for 31 s");
  }

  @Test
  void theAgentIsReadyOnlyWhileTheControlPlaneAnswers() {
    AgentVitals vitals = new AgentVitals();
    assertThat(vitals.notReady()).contains("has not answered");

    vitals.answered();
    assertThat(vitals.notReady()).isNull();

    vitals.streamLost();
    assertThat(vitals.notReady()).contains("has not answered");
  }

  @Test
  void metricsAreInThePrometheusTextFormat() {
    AgentVitals vitals = new AgentVitals();
    vitals.passed(NOW.minusMillis(1500), Map.of("running", 3, "stopped", 1), 2);
    vitals.answered();
    vitals.heartbeatSent();
    vitals.heartbeatSent();
    vitals.streamLost();

    assertThat(vitals.metrics(NOW))
        .contains(
            "# TYPE veneer_agent_heartbeats_sent_total counter\n"
                + "veneer_agent_heartbeats_sent_total 2.0\n",
            "veneer_agent_stream_losses_total 1.0\n",
            "veneer_agent_stream_connected 0.0\n",
            "veneer_agent_loop_seconds_since_pass 1.5\n",
            "veneer_agent_driver_calls_in_flight 2.0\n",
            "# TYPE veneer_agent_desktops gauge\n"
                + "veneer_agent_desktops{state=\"running\"} 3\n"
                + "veneer_agent_desktops{state=\"stopped\"} 1\n");
  }
}
