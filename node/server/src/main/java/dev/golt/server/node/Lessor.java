package dev.golt.server.node;

import dev.golt.proto.Command;
import dev.golt.proto.LeaseRevoke;
import dev.golt.storage.mvcc.MvccStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Lease expiry, decided by the leader's clock alone (etcd's {@code lease/lessor.go}). Leases
 * themselves — id, granted TTL, attached keys — are replicated state; only the deadlines live
 * here, on the leader. An expired lease is revoked through the log like any client revoke, so its
 * keys' deletions are ordinary delete events and a deposed or partitioned leader cannot expire
 * anything: its revoke never commits.
 *
 * <ul>
 *   <li><b>Promote</b>: a member that becomes leader (in a new term) gives every lease the full TTL
 *       plus an election timeout from now — it cannot know when the old leader last renewed it,
 *       and the extension covers the election's own gap, so a leader change never expires a
 *       healthy lease early (etcd's {@code Promote(extend)}).
 *   <li><b>Renew</b> (keep-alive): only after a read barrier confirmed this member still leads
 *       (etcd 3.5's {@code ensureLeadership}), so a paused old leader that wakes up thinking it
 *       leads cannot extend a lease the new leader is about to expire.
 *   <li><b>Demote</b>: a member that is not leader keeps no deadlines.
 * </ul>
 * Time comes from a {@link LongSupplier} of nanoseconds, so tests drive it.
 */
public final class Lessor implements StateMachine.Listener {

    private static final Logger LOG = Logger.getLogger(Lessor.class);
    private static final long RETRY_NANOS = 1_000_000_000L;

    /** What the lessor needs of the node. */
    public interface Leadership {
        /** The current term if this member leads, else -1. */
        long leaderTerm();

        void propose(byte[] command);
    }

    private final Supplier<MvccStore> store;
    private final Leadership leadership;
    private final LongSupplier nanos;
    private final long extendNanos;
    private final Map<Long, Long> deadlines = new ConcurrentHashMap<>();
    private final Map<Long, Long> revoking = new ConcurrentHashMap<>();
    private volatile long promotedTerm = -1;

    public Lessor(Supplier<MvccStore> store, Leadership leadership, LongSupplier nanos, long extendMillis) {
        this.store = store;
        this.leadership = leadership;
        this.nanos = nanos;
        this.extendNanos = extendMillis * 1_000_000L;
    }

    /** Called periodically: promotes or demotes on a leadership change, then revokes expired leases. */
    public void tick() {
        long term = leadership.leaderTerm();
        if (term < 0) {
            if (promotedTerm >= 0) {
                promotedTerm = -1;
                deadlines.clear();
                revoking.clear();
            }
            return;
        }
        if (term != promotedTerm) {
            promote(term);
        }
        long now = nanos.getAsLong();
        for (Map.Entry<Long, Long> e : deadlines.entrySet()) {
            long id = e.getKey();
            if (now - e.getValue() < 0) {
                continue;
            }
            Long since = revoking.get(id);
            if (since == null || now - since >= RETRY_NANOS) {
                revoking.put(id, now);
                LOG.debugf("lease %x expired; revoking", id);
                leadership.propose(Command.newBuilder().setLeaseRevoke(LeaseRevoke.newBuilder().setId(id)).build().toByteArray());
            }
        }
    }

    private void promote(long term) {
        deadlines.clear();
        revoking.clear();
        long base = nanos.getAsLong() + extendNanos;
        List<long[]> leases = store.get().leases();
        for (long[] l : leases) {
            deadlines.put(l[0], base + l[1] * 1_000_000_000L);
        }
        promotedTerm = term;
        if (!leases.isEmpty()) {
            LOG.infof("leader in term %d: %d leases get their full TTL plus %d ms", term, leases.size(), extendNanos / 1_000_000);
        }
    }

    /**
     * Restarts lease {@code id}'s TTL. Call only after confirming leadership in {@code term}.
     *
     * @return the granted TTL in seconds, or -1 when there is no such lease (or this member no longer leads)
     */
    public long renew(long id, long term) {
        if (promotedTerm != term || leadership.leaderTerm() != term) {
            return -1;
        }
        long ttl = store.get().leaseTtl(id);
        if (ttl < 0 || revoking.containsKey(id)) {
            return -1;
        }
        deadlines.put(id, nanos.getAsLong() + ttl * 1_000_000_000L);
        return ttl;
    }

    /** Seconds left of lease {@code id} as this leader sees it (rounded up), or -1 when unknown here. */
    public long remaining(long id) {
        Long d = deadlines.get(id);
        if (d == null) {
            return -1;
        }
        long left = d - nanos.getAsLong();
        return left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
    }

    @Override
    public void leaseGranted(long id, long ttlSeconds) {
        if (promotedTerm >= 0) {
            deadlines.put(id, nanos.getAsLong() + ttlSeconds * 1_000_000_000L);
        }
    }

    @Override
    public void leaseRevoked(long id) {
        deadlines.remove(id);
        revoking.remove(id);
    }

    @Override
    public void reset() {
        // A snapshot replaced the store: promote again from what it holds.
        promotedTerm = -1;
        deadlines.clear();
        revoking.clear();
    }
}
