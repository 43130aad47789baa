package dev.golt.server.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * Meters of the multi-version store and its leases ({@code golt_mvcc_*}, {@code golt_lease_*}):
 * the revision and the compacted revision (their gap is the history kept), the leases that exist,
 * and counters of compactions, grants and revocations (expiries included) applied here.
 */
final class MvccMetrics implements StateMachine.Listener {

    private final Counter compactions;
    private final Counter granted;
    private final Counter revoked;
    private final Counter events;

    MvccMetrics(MeterRegistry registry, Supplier<dev.golt.storage.mvcc.MvccStore> store) {
        Gauge.builder("golt.mvcc.revision", () -> store.get().revision())
                .description("the store's current revision").register(registry);
        Gauge.builder("golt.mvcc.compacted.revision", () -> store.get().compactedRevision())
                .description("reads and watches below this revision are refused").register(registry);
        Gauge.builder("golt.lease.count", () -> store.get().leases().size())
                .description("leases that exist").register(registry);
        compactions = Counter.builder("golt.mvcc.compactions").description("compactions applied").register(registry);
        events = Counter.builder("golt.mvcc.events").description("key changes applied (watch events)").register(registry);
        granted = Counter.builder("golt.lease.granted").description("leases granted").register(registry);
        revoked = Counter.builder("golt.lease.revoked").description("leases revoked or expired").register(registry);
    }

    @Override
    public void applied(long revision, List<dev.golt.storage.mvcc.Event> changes) {
        events.increment(changes.size());
    }

    @Override
    public void leaseGranted(long id, long ttlSeconds) {
        granted.increment();
    }

    @Override
    public void leaseRevoked(long id) {
        revoked.increment();
    }

    @Override
    public void compacted(long revision) {
        compactions.increment();
    }
}
