package io.veneer.controlplane.placement;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Placement settings ({@code veneer.placement.*}).
 *
 * @param maxAttempts how many fresh snapshots one placement tries before giving up on lost races
 *     (default 50)
 * @param vcpuRatio vCPU overcommit given to hosts at registration (default 4.0)
 * @param memoryRatio memory overcommit given to hosts at registration (default 1.0)
 * @param diskRatio disk overcommit given to hosts at registration (default 1.0)
 * @param strategy {@code spread} (emptiest host first, default) or {@code pack}
 */
@ConfigurationProperties("veneer.placement")
public record PlacementProperties(
    @DefaultValue("50") int maxAttempts,
    @DefaultValue("4.0") double vcpuRatio,
    @DefaultValue("1.0") double memoryRatio,
    @DefaultValue("1.0") double diskRatio,
    @DefaultValue("spread") String strategy) {}
