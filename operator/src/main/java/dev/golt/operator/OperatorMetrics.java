package dev.golt.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Golt-specific operator metrics; JOSDK's Micrometer metrics cover reconciliations and errors. */
public final class OperatorMetrics {

    private final MeterRegistry registry;
    private final Counter restarts;
    private final Counter snapshots;

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.restarts = Counter.builder("golt.operator.pod.restarts").description("Pods restarted by rolling restarts")
                .register(registry);
        this.snapshots = Counter.builder("golt.operator.snapshots").description("Snapshot rounds completed")
                .register(registry);
    }

    public void podRestarted() {
        restarts.increment();
    }

    public void snapshotTaken() {
        snapshots.increment();
    }

    public void membershipChanged(String change) {
        Counter.builder("golt.operator.membership.changes").description("Raft membership changes made")
                .tag("change", change).register(registry).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
