package dev.golt.server.node;

import dev.golt.proto.Command;
import dev.golt.proto.Compaction;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Periodic auto-compaction (etcd's {@code --auto-compaction-mode=periodic}): the leader samples the
 * store's revision about every tenth of the retention (at most every five minutes) and compacts to
 * the newest sample at least the retention old, so reads and watches can go back at least that
 * long. Samples live on the leader only; a new leader starts sampling afresh, which only delays
 * the next compaction. Time comes from a {@link LongSupplier} of nanoseconds.
 */
final class AutoCompactor {

    private static final Logger LOG = Logger.getLogger(AutoCompactor.class);

    interface Store {
        long revision();

        long compactedRevision();

        /** The current term if this member leads, else -1. */
        long leaderTerm();

        void propose(byte[] command);
    }

    private record Sample(long nanos, long revision) {}

    private final Store store;
    private final LongSupplier nanos;
    private final long retentionNanos;
    private final long sampleEveryNanos;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long term = -1;

    AutoCompactor(Store store, LongSupplier nanos, long retentionSeconds) {
        this.store = store;
        this.nanos = nanos;
        this.retentionNanos = retentionSeconds * 1_000_000_000L;
        this.sampleEveryNanos = Math.min(retentionNanos / 10, 300_000_000_000L);
    }

    /** Called periodically by the node; does nothing when retention is 0. */
    synchronized void tick() {
        if (retentionNanos <= 0) {
            return;
        }
        long t = store.leaderTerm();
        if (t != term) {
            samples.clear();
            term = t;
        }
        if (t < 0) {
            return;
        }
        long now = nanos.getAsLong();
        if (samples.isEmpty() || now - samples.peekLast().nanos() >= sampleEveryNanos) {
            samples.addLast(new Sample(now, store.revision()));
        }
        Sample target = null;
        while (!samples.isEmpty() && now - samples.peekFirst().nanos() >= retentionNanos) {
            target = samples.pollFirst();
        }
        if (target != null && target.revision() > store.compactedRevision()) {
            LOG.infof("auto-compacting to revision %d (the revision %d s ago)", target.revision(), retentionNanos / 1_000_000_000L);
            store.propose(Command.newBuilder().setCompaction(Compaction.newBuilder().setRevision(target.revision())).build().toByteArray());
        }
    }
}
