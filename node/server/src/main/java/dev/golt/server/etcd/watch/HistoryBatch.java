package dev.golt.server.etcd.watch;

import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.MvccStore;
import java.util.List;

/**
 * One bounded read of the store's event log for a catch-up.
 *
 * @param covered every revision from the read's start up to this one is in {@code events} (whole:
 *                the store never splits a revision); later revisions may exist, unread
 */
record HistoryBatch(List<Event> events, long covered) {

    /**
     * Reads from revision {@code from}, bounded by the limits' count and bytes.
     *
     * @throws dev.golt.storage.mvcc.RevisionException when {@code from} has been compacted away
     */
    static HistoryBatch read(MvccStore store, long from, WatchLimits limits, boolean withPrev) {
        // Read before the events: the events read then hold at least every revision up to it.
        long before = store.revision();
        List<Event> events = store.events(from, limits.catchUpEvents(), limits.catchUpBytes(), withPrev);
        // Every revision has at least one event, so a read that was not cut short ends at the store's
        // revision, and one that was cut short ends at a whole revision: either way its last event's
        // revision is covered. An empty read covers nothing new: at most what was there before.
        long covered = events.isEmpty() ? Math.min(before, from - 1) : events.get(events.size() - 1).kv().modRevision();
        return new HistoryBatch(events, covered);
    }
}
