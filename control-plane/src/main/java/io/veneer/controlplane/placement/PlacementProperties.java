package io.veneer.controlplane.placement;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Placement settings ({@code veneer.placement.*}).
 *
 * @param maxAttempts how many times one desktop is tried against fresh state after losing claim
 *     races before it is left to the reconciler (default 50)
 * @param vcpuRatio vCPU overcommit given to hosts at registration (default 4.0)
 * @param memoryRatio memory overcommit given to hosts at registration (default 1.0)
 * @param diskRatio disk overcommit given to hosts at registration (default 1.0)
 * @param strategy {@code spread} (emptiest host first, default) or {@code pack}
 * @param maxBatch the most desktops placed together in one transaction (default 256): requests
 *     arriving while a batch is placed wait for the next one, so a storm is placed in batches
 * @param waitTimeout how long a request waits for its desktop's placement before it answers with
 *     the desktop still REQUESTED (default 10s); placement goes on regardless
 * @param verifyInterval how often the in-memory cluster state compares every host's generation with
 *     the database, to find a change whose announcement was lost (default 10s)
 * @param observedMemoryMaxAge how recent a heartbeat's report of what a host's guests use must be
 *     for placement to lend their unused memory beyond the host's physical memory (default 30s,
 *     three heartbeats); a host without one is judged by its allocations alone
 * @param silentAfterHeartbeats an UP host whose agent has not been heard from for this many
 *     heartbeat intervals ({@code veneer.agents.heartbeat-interval-seconds}), less any time this
 *     replica could not hear, takes no new desktops until it beats again (default 2; 0 = off): it
 *     may be cut off, and only its grace makes it UNREACHABLE. A host never heard from (its agent
 *     has not said Hello yet) is not silent
 */
@Validated
@ConfigurationProperties("veneer.placement")
public record PlacementProperties(
    @DefaultValue("50") @Min(1) int maxAttempts,
    @DefaultValue("4.0") double vcpuRatio,
    @DefaultValue("1.0") double memoryRatio,
    @DefaultValue("1.0") double diskRatio,
    @DefaultValue("spread") String strategy,
    @DefaultValue("256") @Min(1) int maxBatch,
    @DefaultValue("10s") Duration waitTimeout,
    @DefaultValue("10s") Duration verifyInterval,
    @DefaultValue("30s") Duration observedMemoryMaxAge,
    @DefaultValue("2") @Min(0) int silentAfterHeartbeats) {}
