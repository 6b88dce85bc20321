package io.veneer.controlplane.reconcile;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Reconciler settings ({@code veneer.reconciler.*}).
 *
 * @param enabled whether this replica runs the reconciler (default true; every replica may)
 * @param intervalMillis pause between two passes (default 1000)
 * @param maxCreatesPerPass desktops one pool may gain per pass, so a pool whose desktops keep
 *     failing is rebuilt at a bounded rate (default 20)
 */
@ConfigurationProperties("veneer.reconciler")
public record ReconcilerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1000") long intervalMillis,
    @DefaultValue("20") int maxCreatesPerPass) {}
