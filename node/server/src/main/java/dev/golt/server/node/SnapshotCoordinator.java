package dev.golt.server.node;

import dev.golt.proto.ConfState;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.raft.RaftLogStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Taking snapshots (automatically past a threshold of entries, or on request) and installing the
 * ones a leader sent. Follows Apache Ratis's split of snapshot work out of the server loop
 * ({@code SnapshotInstallationHandler}, {@code SnapshotManagementRequestHandler}): the checkpoint
 * runs on its own thread and only its short publishing step returns to the driver thread, so a
 * large state machine never stalls the loop. Driver thread only, except {@link #lastIndex()}.
 */
final class SnapshotCoordinator {

    private static final Logger LOG = Logger.getLogger(SnapshotCoordinator.class);

    private final String id;
    private final NodeSettings settings;
    private final StateMachine sm;
    private final RaftLogStore log;
    private final Snapshots snapshots;
    private final NodeMetrics metrics;
    private final Executor driverThread;
    private final List<CompletableFuture<Long>> waiters = new ArrayList<>();
    private boolean inProgress;
    // read by status pages and metrics on other threads
    private volatile long lastIndex;

    SnapshotCoordinator(NodeSettings settings, StateMachine sm, RaftLogStore log, Snapshots snapshots,
            NodeMetrics metrics, Executor driverThread) {
        this.id = settings.id();
        this.settings = settings;
        this.sm = sm;
        this.log = log;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.driverThread = driverThread;
        this.lastIndex = log.snapshotMetadata().getIndex();
    }

    long lastIndex() {
        return lastIndex;
    }

    void maybeTakeAutomatically(ConfState conf) {
        if (!inProgress && sm.appliedIndex() - lastIndex >= settings.snapshotThresholdEntries()) {
            take(conf, null);
        }
    }

    /** Starts a snapshot of the applied state; {@code done} (may be null) completes with its index. */
    void take(ConfState conf, CompletableFuture<Long> done) {
        if (done != null) {
            // a snapshot being taken is as good as a new one: answer with it
            waiters.add(done);
        }
        if (inProgress) {
            return;
        }
        inProgress = true;
        Thread.ofVirtual().name("golt-snapshot-" + id).start(() -> {
            long t0 = System.nanoTime();
            Path tmp = snapshots.tempDir();
            try {
                long index = sm.checkpoint(tmp);
                driverThread.execute(() -> finish(tmp, index, conf, t0));
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: snapshot failed", id);
                driverThread.execute(() -> {
                    inProgress = false;
                    answer(null, NodeException.unavailable("snapshot failed: " + e.getMessage()));
                });
            }
        });
    }

    private void finish(Path tmp, long index, ConfState conf, long t0) {
        inProgress = false;
        try {
            if (index <= lastIndex || index < log.firstIndex() - 1) {
                StateMachine.deleteTree(tmp);
                answer(lastIndex, null);
                return;
            }
            SnapshotMetadata meta = SnapshotMetadata.newBuilder()
                    .setIndex(index).setTerm(log.term(index)).setConfState(conf).build();
            Path dir = snapshots.publish(tmp, index);
            log.createSnapshot(meta);
            lastIndex = index;
            long compactTo = index - settings.snapshotKeepEntries();
            if (compactTo >= log.firstIndex()) {
                log.compact(compactTo);
            }
            metrics.snapshotTaken(System.nanoTime() - t0, Snapshots.bytes(dir));
            answer(index, null);
        } catch (Exception e) {
            LOG.errorf(e, "%s: publishing snapshot %d failed", id, index);
            answer(null, NodeException.unavailable("snapshot failed: " + e.getMessage()));
        }
    }

    private void answer(Long index, NodeException failure) {
        List<CompletableFuture<Long>> waiting = new ArrayList<>(waiters);
        waiters.clear();
        for (CompletableFuture<Long> w : waiting) {
            if (failure != null) {
                w.completeExceptionally(failure);
            } else {
                w.complete(index);
            }
        }
    }

    /** Replaces the state machine and the log's start with a snapshot received from the leader. */
    void install(SnapshotMetadata meta) {
        Path received = snapshots.incomingDir(meta.getIndex(), meta.getTerm());
        long t0 = System.nanoTime();
        sm.install(received);
        log.applySnapshot(meta);
        lastIndex = meta.getIndex();
        metrics.snapshotInstalled(System.nanoTime() - t0);
    }
}
