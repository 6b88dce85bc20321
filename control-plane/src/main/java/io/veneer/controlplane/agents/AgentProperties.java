package io.veneer.controlplane.agents;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Agent gateway settings ({@code veneer.agents.*}).
 *
 * @param grpcPort port of the agent gRPC server (default 9090; 0 = any free port, -1 = off)
 * @param heartbeatIntervalSeconds heartbeat interval told to agents (default 10)
 * @param heartbeatGraceSeconds silence after which a host becomes UNREACHABLE (default 30)
 * @param resyncIntervalSeconds how often every connected agent is sent what it may have missed, on
 *     top of the changes pushed as they commit (default 30)
 * @param grpcAddress the address the gateway listens on (default all interfaces, as agents run on
 *     other hosts; 127.0.0.1 for a one-machine setup)
 * @param reportWriters how many agents' batches of status reports are written at once, each in one
 *     transaction holding one database connection (default 4)
 * @param helloTimeoutSeconds a stream whose first message, Hello, has not come this long after it
 *     opened is closed (default 10), so that streams nobody identified cannot pile up
 */
@ConfigurationProperties("veneer.agents")
public record AgentProperties(
    @DefaultValue("9090") int grpcPort,
    @DefaultValue("10") int heartbeatIntervalSeconds,
    @DefaultValue("30") int heartbeatGraceSeconds,
    @DefaultValue("30") int resyncIntervalSeconds,
    @DefaultValue("0.0.0.0") String grpcAddress,
    @DefaultValue("4") int reportWriters,
    @DefaultValue("10") int helloTimeoutSeconds) {

  public AgentProperties {
    if (heartbeatIntervalSeconds < 1) {
      throw new IllegalArgumentException(
          "veneer.agents.heartbeat-interval-seconds must be at least 1, not "
              + heartbeatIntervalSeconds);
    }
    // A grace no longer than the interval would call a host that beats on time UNREACHABLE.
    if (heartbeatGraceSeconds <= heartbeatIntervalSeconds) {
      throw new IllegalArgumentException(
          "veneer.agents.heartbeat-grace-seconds ("
              + heartbeatGraceSeconds
              + ") must be longer than veneer.agents.heartbeat-interval-seconds ("
              + heartbeatIntervalSeconds
              + ")");
    }
    if (reportWriters < 1) {
      throw new IllegalArgumentException(
          "veneer.agents.report-writers must be at least 1, not " + reportWriters);
    }
    if (helloTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "veneer.agents.hello-timeout-seconds must be at least 1, was " + helloTimeoutSeconds);
    }
  }
}
