package dev.golt.server.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The node's Micrometer meters (exported as Prometheus {@code golt_*}). */
public final class NodeMetrics {

    private final MeterRegistry registry;
    private final AtomicLong term = new AtomicLong();
    private final AtomicLong role = new AtomicLong();
    private final AtomicLong commit = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong snapshotIndex = new AtomicLong();
    private final AtomicLong lastIndex = new AtomicLong();
    private final Counter leaderChanges;
    private final Timer proposalLatency;
    private final Timer fsyncLatency;
    private final DistributionSummary appendBatch;
    private final Timer snapshotDuration;
    private final DistributionSummary snapshotBytes;
    private final Counter snapshotsSent;
    private final Counter snapshotsInstalled;
    private final Timer snapshotInstallDuration;
    private final Counter preVoteCampaigns;
    private final Counter droppedExpired;
    private final Counter droppedDisconnected;

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("golt.raft.term", term, AtomicLong::get).description("current Raft term").register(registry);
        Gauge.builder("golt.raft.role", role, AtomicLong::get)
                .description("0 follower, 1 pre-candidate, 2 candidate, 3 leader").register(registry);
        Gauge.builder("golt.raft.commit.index", commit, AtomicLong::get).register(registry);
        Gauge.builder("golt.raft.applied.index", applied, AtomicLong::get).register(registry);
        Gauge.builder("golt.raft.snapshot.index", snapshotIndex, AtomicLong::get).register(registry);
        Gauge.builder("golt.raft.last.index", lastIndex, AtomicLong::get).register(registry);
        leaderChanges = Counter.builder("golt.raft.leader.changes").description("leaders this node has seen")
                .register(registry);
        proposalLatency = Timer.builder("golt.raft.proposal.latency").description("propose to applied")
                .publishPercentileHistogram().register(registry);
        fsyncLatency = Timer.builder("golt.wal.fsync.latency").publishPercentileHistogram().register(registry);
        appendBatch = DistributionSummary.builder("golt.wal.append.batch.entries")
                .description("entries persisted per group commit").publishPercentileHistogram().register(registry);
        snapshotDuration = Timer.builder("golt.snapshot.duration").register(registry);
        snapshotBytes = DistributionSummary.builder("golt.snapshot.bytes").baseUnit("bytes").register(registry);
        snapshotsSent = Counter.builder("golt.snapshot.sent").description("InstallSnapshot streams started")
                .register(registry);
        snapshotsInstalled = Counter.builder("golt.snapshot.installed")
                .description("snapshots received and installed").register(registry);
        snapshotInstallDuration = Timer.builder("golt.snapshot.install.duration").register(registry);
        preVoteCampaigns = Counter.builder("golt.raft.prevote.campaigns")
                .description("pre-vote rounds this node started (they never change the term)").register(registry);
        droppedExpired = dropped("expired");
        droppedDisconnected = dropped("disconnected");
        for (String cause : new String[] {"timeout", "transfer"}) {
            election(cause, 0);
        }
    }

    void observe(RaftDriver d) {
        term.set(d.term());
        role.set(switch (d.role()) {
            case FOLLOWER -> 0;
            case PRE_CANDIDATE -> 1;
            case CANDIDATE -> 2;
            case LEADER -> 3;
        });
        commit.set(d.commitIndex());
        applied.set(d.appliedIndex());
        snapshotIndex.set(d.snapshotIndex());
        lastIndex.set(d.status().lastIndex());
    }

    void election(String cause) {
        election(cause, 1);
    }

    private void election(String cause, int n) {
        Counter.builder("golt.raft.elections").tag("cause", cause)
                .description("elections (campaigns for a new term) this node started, by cause")
                .register(registry).increment(n);
    }

    private Counter dropped(String reason) {
        return Counter.builder("golt.requests.dropped").tag("reason", reason)
                .description("client requests refused unproposed (never applied): past their deadline, or their client gone")
                .register(registry);
    }

    void requestExpired() {
        droppedExpired.increment();
    }

    void requestDisconnected() {
        droppedDisconnected.increment();
    }

    void preVoteCampaign() {
        preVoteCampaigns.increment();
    }

    void leaderChange() {
        leaderChanges.increment();
    }

    void proposalApplied(long nanos) {
        proposalLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void fsync(long nanos) {
        fsyncLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void appendBatch(int entries) {
        appendBatch.record(entries);
    }

    void snapshotTaken(long nanos, long bytes) {
        snapshotDuration.record(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.record(bytes);
    }

    void snapshotSent() {
        snapshotsSent.increment();
    }

    void snapshotInstalled(long nanos) {
        snapshotsInstalled.increment();
        snapshotInstallDuration.record(nanos, TimeUnit.NANOSECONDS);
    }
}
