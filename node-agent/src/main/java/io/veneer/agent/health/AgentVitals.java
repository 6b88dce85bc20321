package io.veneer.agent.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the health endpoint and the metrics tell about the agent, written by its loop and read by
 * the health server's thread: the loop's last pass (liveness), whether the control plane answers
 * (readiness), and counts.
 */
public final class AgentVitals {

  /** A loop that has not passed for this long is stuck: the agent is not live. */
  static final Duration LIVENESS_PATIENCE = Duration.ofSeconds(30);

  private volatile Instant lastPass = Instant.now();
  private volatile boolean answered;
  private volatile Map<String, Integer> desktopsByState = Map.of();
  private volatile int driverCallsInFlight;
  private final AtomicLong heartbeats = new AtomicLong();
  private final AtomicLong streamLosses = new AtomicLong();

  /**
   * A converge pass ran.
   *
   * @param desktopsByState how many desktops were last reported in each state (wire names)
   * @param driverCallsInFlight how many desktops have a driver call running on their worker
   */
  public void passed(Instant at, Map<String, Integer> desktopsByState, int driverCallsInFlight) {
    this.lastPass = at;
    this.desktopsByState = Map.copyOf(desktopsByState);
    this.driverCallsInFlight = driverCallsInFlight;
  }

  /** The control plane answered on the current stream. */
  public void answered() {
    answered = true;
  }

  /** The stream was lost. */
  public void streamLost() {
    answered = false;
    streamLosses.incrementAndGet();
  }

  public void heartbeatSent() {
    heartbeats.incrementAndGet();
  }

  /** Why the agent is not live, or null when it is. */
  String notLive(Instant now) {
    Duration since = Duration.between(lastPass, now);
    return since.compareTo(LIVENESS_PATIENCE) > 0
        ? "the agent's loop has not run for " + since.toSeconds() + " s"
        : null;
  }

  /** Why the agent is not ready, or null when it is. */
  String notReady() {
    return answered ? null : "the control plane has not answered on the agent's stream";
  }

  /** Prometheus text exposition format 0.0.4. */
  String metrics(Instant now) {
    StringBuilder text = new StringBuilder();
    gauge(
        text,
        "veneer_agent_stream_connected",
        "1 while the control plane answers",
        answered ? 1 : 0);
    counter(
        text,
        "veneer_agent_stream_losses_total",
        "streams to the control plane lost",
        streamLosses.get());
    counter(text, "veneer_agent_heartbeats_sent_total", "heartbeats sent", heartbeats.get());
    gauge(
        text,
        "veneer_agent_loop_seconds_since_pass",
        "seconds since the agent's loop last converged",
        Duration.between(lastPass, now).toMillis() / 1000.0);
    gauge(
        text,
        "veneer_agent_driver_calls_in_flight",
        "desktops whose driver call (start, stop, ...) is running",
        driverCallsInFlight);
    text.append("# HELP veneer_agent_desktops desktops by last reported state\n");
    text.append("# TYPE veneer_agent_desktops gauge\n");
    desktopsByState.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                text.append("veneer_agent_desktops{state=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(e.getValue())
                    .append('\n'));
    return text.toString();
  }

  private static void gauge(StringBuilder text, String name, String help, double value) {
    metric(text, name, help, "gauge", value);
  }

  private static void counter(StringBuilder text, String name, String help, double value) {
    metric(text, name, help, "counter", value);
  }

  private static void metric(
      StringBuilder text, String name, String help, String type, double value) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    text.append(name).append(' ').append(value).append('\n');
  }
}
