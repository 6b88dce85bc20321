package io.veneer.controlplane.agents;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Agent gateway settings ({@code veneer.agents.*}).
 *
 * @param grpcPort port of the agent gRPC server (default 9090; 0 = any free port, -1 = off)
 * @param heartbeatIntervalSeconds heartbeat interval told to agents (default 10)
 */
@ConfigurationProperties("veneer.agents")
public record AgentProperties(
    @DefaultValue("9090") int grpcPort, @DefaultValue("10") int heartbeatIntervalSeconds) {}
