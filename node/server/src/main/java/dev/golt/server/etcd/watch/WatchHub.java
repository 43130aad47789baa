package dev.golt.server.etcd.watch;

import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.MvccStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The node's watch registry (etcd's {@code watchableStore}): every watcher of every client stream,
 * fed by the thread that applies the Raft log and, for watchers that are behind, by the store's
 * event log.
 *
 * <h2>Synced and unsynced</h2>
 * A watcher is either <b>synced</b> — it has been given every matching event up to the hub's
 * revision (the last one {@link #publish published}) and gets each new revision live — or
 * <b>unsynced</b>: it needs revisions it has not been given, from {@code minRev} on. A watcher starts
 * unsynced when it asks for a past start revision, and becomes unsynced when its stream's send queue
 * has no room for a live event (below) or when {@link #reset} replaced the store. The {@link CatchUp}
 * thread replays the store's event log ({@link MvccStore#events}) to unsynced watchers in bounded
 * batches and, under the hub's lock, moves each one to synced the moment it has everything up to the
 * hub's revision. Because {@code publish} and that move take the same lock, and because a watcher only
 * ever gets a revision at or above its {@code minRev}, which then moves past it, the hand-over leaves
 * no gap and repeats nothing. A watcher whose {@code minRev} has been compacted away is canceled with
 * {@code compact_revision} (and the client may watch again from there).
 *
 * <h2>Bounds: a slow client never costs unbounded memory, and never slows the apply thread</h2>
 * Each client stream has a {@link SendQueue} bounded in bytes ({@link WatchLimits#streamQueueBytes},
 * and all streams together {@link WatchLimits#totalQueueBytes}), drained only as fast as gRPC flow
 * control lets the stream send (so a client that stops reading fills it). {@code publish} never waits:
 * when a live event does not fit, the watcher drops it and becomes unsynced; once the client has read
 * half the queue, the catch-up replays the dropped revisions from history. This replaces etcd's
 * "victims" (watchers whose channel was full, kept with their pending batch in memory): here a
 * watcher waiting for room holds nothing but its revision. A catch-up read is bounded by
 * {@link WatchLimits#catchUpEvents} and {@link WatchLimits#catchUpBytes}, and replays at most
 * {@link WatchLimits#watchersPerPass} watchers per pass. The one thing not bounded is a single
 * revision: it is never split, so a transaction of a million keys is a million events at once, as in
 * etcd.
 *
 * <h2>Threads</h2>
 * {@link #publish} and {@link #reset} come from the one thread that applies the log, after the store's
 * commit returned (never while holding the store's write lock: the catch-up reads the store under the
 * hub's lock). Client streams create and cancel watchers from gRPC threads, the catch-up runs on its
 * own thread; all of them change watcher state only under {@link #lock}, held briefly and never while
 * waiting for a client. Between a commit and its publish the store is a revision ahead of the hub;
 * a catch-up never hands out more than the hub's revision, leaving the rest to {@code publish}.
 *
 * <h2>Wiring</h2>
 * Make the hub once the store is open ({@code new WatchHub(() -> currentStore)}); after each
 * {@code MvccWrite.commit} that returned events, {@code publish(write.revision(), events)}; after a
 * snapshot's store is in place (the supplier returns it), {@link #reset}; at shutdown close the
 * {@link WatchService}, then the hub.
 */
public final class WatchHub implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WatchHub.class);

    final ReentrantLock lock = new ReentrantLock();
    private final Supplier<MvccStore> store;
    private final WatchLimits limits;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final CatchUp catchUp;

    // Guarded by lock.
    private final WatcherIndex synced = new WatcherIndex();
    final LinkedHashSet<Watcher> unsynced = new LinkedHashSet<>();
    private final Set<WatchStream> progressWaiting = new LinkedHashSet<>();
    private final Set<WatchStream> streams = new HashSet<>();
    /** Bumped by {@link #reset}: a catch-up read from the old store is thrown away. */
    long epoch;
    /** Counters for metrics: watchers that fell behind for want of room, and those canceled by compaction. */
    private long fellBehind;
    long compactedAway;
    /** The last revision published; written under lock, read anywhere. */
    private volatile long published;

    /** A hub with {@link WatchLimits#defaults()}. */
    public WatchHub(Supplier<MvccStore> store) {
        this(store, WatchLimits.defaults());
    }

    /**
     * @param store the current store; read again whenever the hub reads history, since installing a
     *              snapshot replaces the store object (then call {@link #reset})
     */
    public WatchHub(Supplier<MvccStore> store, WatchLimits limits) {
        this.store = store;
        this.limits = limits;
        this.published = store.get().revision();
        this.catchUp = new CatchUp(this, limits);
        catchUp.start();
    }

    /**
     * Hands the events of one committed revision to the synced watchers; called by the applying thread
     * after each write that changed keys, in revision order, with the revision's events together (as
     * {@code MvccWrite.commit} returns them). Never blocks on a client. A revision at or below one
     * already published is ignored.
     */
    public void publish(long revision, List<Event> events) {
        lock.lock();
        try {
            if (revision <= published) {
                LOG.debugf("watch: revision %d published again (at %d); ignored", revision, published);
                return;
            }
            published = revision;
            if (!synced.isEmpty() && !events.isEmpty()) {
                deliverLive(revision, events);
            }
            if (!progressWaiting.isEmpty()) {
                // A watcher waiting for its future start revision may just have reached it.
                for (WatchStream s : new ArrayList<>(progressWaiting)) {
                    answerProgressIfLevel(s);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void deliverLive(long revision, List<Event> events) {
        Map<Watcher, List<Event>> batches = new LinkedHashMap<>();
        for (Event e : events) {
            synced.forEachOn(e.kv().key(), w -> {
                if (revision >= w.minRev && w.spec.wants(e)) {
                    batches.computeIfAbsent(w, k -> new ArrayList<>(2)).add(e);
                }
            });
        }
        for (Map.Entry<Watcher, List<Event>> b : batches.entrySet()) {
            Watcher w = b.getKey();
            List<Event> evs = b.getValue();
            if (w.stream.queue.offer(new Outbound.Events(w, evs, revision, WatchResponses.bytes(evs, w.spec.prevKv())))) {
                w.minRev = revision + 1;
                w.eventsSinceTick = true;
            } else {
                // No room: drop this revision for w and let the catch-up replay it once the client reads.
                synced.remove(w);
                w.minRev = Math.max(w.minRev, revision);
                w.state = Watcher.State.UNSYNCED;
                unsynced.add(w);
                fellBehind++;
                catchUp.wake();
            }
        }
    }

    /**
     * The store was replaced wholesale (an installed snapshot): every watcher catches up again from
     * the new store's history from where it was, or is canceled with compact_revision when the new
     * store no longer holds that revision. Call after the supplier returns the new store, from the
     * applying thread, before publishing any later revision.
     */
    public void reset() {
        lock.lock();
        try {
            epoch++;
            long before = published;
            published = store.get().revision();
            for (Watcher w : synced.all()) {
                // A synced watcher has everything matching up to the old revision, events or not.
                w.minRev = Math.max(w.minRev, before + 1);
                w.state = Watcher.State.UNSYNCED;
                unsynced.add(w);
            }
            synced.clear();
            LOG.debugf("watch: store replaced at revision %d (was %d); %d watchers catch up", published, before,
                    unsynced.size());
        } finally {
            lock.unlock();
        }
        catchUp.wake();
    }

    /** The last revision published (or the store's, at start and after {@link #reset}). */
    public long revision() {
        return published;
    }

    /**
     * What the hub holds now, and counts since it started, for metrics.
     *
     * @param queuedBytes   events queued for clients, all streams together
     * @param fellBehind    times a synced watcher found its stream's queue full and became unsynced
     * @param compactedAway watchers canceled because the history they needed was compacted
     */
    public record Stats(int streams, int watchers, int unsyncedWatchers, long queuedBytes, long fellBehind,
            long compactedAway) {}

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(streams.size(), synced.size() + unsynced.size(), unsynced.size(), queuedBytes.get(),
                    fellBehind, compactedAway);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the catch-up thread. Streams still open get no more events. */
    @Override
    public void close() {
        catchUp.stop();
    }

    // ------------------------------------------------------------------ for streams and the catch-up

    /** A new client stream; {@code onReadable} is called whenever its queue gets something to send. */
    WatchStream openStream(Runnable onReadable) {
        WatchStream s = new WatchStream(this, new SendQueue(limits, queuedBytes, onReadable, catchUp::wake));
        lock.lock();
        try {
            streams.add(s);
        } finally {
            lock.unlock();
        }
        return s;
    }

    /** The open streams, as a copy (for tests: their queues). */
    List<WatchStream> streams() {
        lock.lock();
        try {
            return new ArrayList<>(streams);
        } finally {
            lock.unlock();
        }
    }

    long published() {
        return published;
    }

    MvccStore store() {
        return store.get();
    }

    /** Places a new watcher: synced when it starts now or in the future, unsynced when it replays. Lock held. */
    void register(Watcher w) {
        long start = w.spec.startRevision();
        if (start == 0 || start > published) {
            w.minRev = Math.max(published + 1, start);
            w.state = Watcher.State.SYNCED;
            synced.add(w);
        } else {
            w.minRev = start;
            w.state = Watcher.State.UNSYNCED;
            unsynced.add(w);
            catchUp.wake();
        }
    }

    /** Removes a watcher wherever it is. Lock held. */
    void unregister(Watcher w) {
        switch (w.state) {
            case SYNCED -> synced.remove(w);
            case UNSYNCED -> unsynced.remove(w);
            case CANCELED -> {}
        }
        w.state = Watcher.State.CANCELED;
    }

    /** The catch-up brought {@code w} level with the hub. Lock held. */
    void markSynced(Watcher w) {
        unsynced.remove(w);
        w.state = Watcher.State.SYNCED;
        synced.add(w);
        if (w.stream.progressWanted) {
            answerProgressIfLevel(w.stream);
        }
    }

    /** Synced and past its start revision: a progress notification may speak for it (etcd's progressIfSync). */
    boolean isLevel(Watcher w) {
        return w.state == Watcher.State.SYNCED && published >= w.spec.startRevision();
    }

    /** Answers the stream's outstanding progress request if all its watchers are level; else keeps it waiting. Lock held. */
    void answerProgressIfLevel(WatchStream s) {
        if (!s.progressWanted) {
            progressWaiting.remove(s);
            return;
        }
        if (s.allLevel()) {
            s.progressWanted = false;
            progressWaiting.remove(s);
            s.queue.offerControl(new Outbound.Control(WatchResponses.progress(WatchSpec.INVALID_ID), published));
        } else {
            progressWaiting.add(s);
        }
    }

    /** The stream is gone. Lock held. */
    void closed(WatchStream s) {
        streams.remove(s);
        progressWaiting.remove(s);
    }
}
