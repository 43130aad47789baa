package dev.golt.server.etcd.watch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's side of one client stream (etcd's {@code mvcc.watchStream}): its watchers by id, the ids
 * it hands out, its {@link SendQueue}, and an outstanding progress request. Every operation runs under
 * the hub's lock, so that a response it queues (created, canceled) takes its place among the events
 * exactly where the change happened: no event of a watcher before its created response, none after
 * its canceled one.
 */
final class WatchStream {

    private final WatchHub hub;
    final SendQueue queue;

    // Guarded by the hub lock.
    private final Map<Long, Watcher> watchers = new HashMap<>();
    private long nextId;
    private boolean closed;
    /** A progress request arrived while some watcher was behind: answer once none is. */
    boolean progressWanted;

    WatchStream(WatchHub hub, SendQueue queue) {
        this.hub = hub;
        this.queue = queue;
    }

    /**
     * Creates a watcher and queues its created response; a client-chosen id already in use is refused
     * as etcd refuses it.
     */
    void create(WatchSpec spec) {
        hub.lock.lock();
        try {
            if (closed) {
                return;
            }
            long id = spec.watchId();
            if (id == WatchSpec.AUTO_ID) {
                while (watchers.containsKey(nextId)) {
                    nextId++;
                }
                id = nextId++;
            } else if (watchers.containsKey(id)) {
                refuseLocked(WatchSpec.DUPLICATE_ID);
                return;
            }
            Watcher w = new Watcher(this, id, spec);
            watchers.put(id, w);
            queue.offerControl(new Outbound.Control(WatchResponses.created(id), hub.published()));
            hub.register(w);
        } finally {
            hub.lock.unlock();
        }
    }

    /** Queues etcd's answer to a create it refuses. */
    void refuse(String reason) {
        hub.lock.lock();
        try {
            refuseLocked(reason);
        } finally {
            hub.lock.unlock();
        }
    }

    private void refuseLocked(String reason) {
        queue.offerControl(new Outbound.Control(WatchResponses.refused(reason), hub.published()));
    }

    /** Cancels watcher {@code id} and queues its canceled response; an unknown id gets no answer (as in etcd). */
    void cancel(long id) {
        hub.lock.lock();
        try {
            Watcher w = watchers.remove(id);
            if (w == null) {
                return;
            }
            hub.unregister(w);
            queue.offerControl(new Outbound.Control(WatchResponses.canceled(id), hub.published()));
            hub.answerProgressIfLevel(this);
        } finally {
            hub.lock.unlock();
        }
    }

    /** Ends {@code w}, whose next revision was compacted away. Hub lock held. */
    void cancelCompacted(Watcher w, long compactRevision) {
        watchers.remove(w.id);
        hub.unregister(w);
        hub.compactedAway++;
        queue.offerControl(new Outbound.Control(WatchResponses.compacted(w.id, compactRevision), hub.published()));
        hub.answerProgressIfLevel(this);
    }

    /**
     * A client's progress request: answered with watch id -1 and the hub's revision once every watcher
     * of the stream is synced (at once when they are). etcd drops the request when one is behind; here
     * it waits, since a client asking for progress wants an answer.
     */
    void requestProgress() {
        hub.lock.lock();
        try {
            progressWanted = true;
            hub.answerProgressIfLevel(this);
        } finally {
            hub.lock.unlock();
        }
    }

    /**
     * The periodic progress notification (etcd's progress ticker): each watcher that asked for
     * progress_notify and got no events since the last tick is told the hub's revision, if it is
     * synced. Skipped while the queue still holds responses: the client is not reading, and a
     * notification it has not read yet says nothing new.
     */
    void progressTick() {
        hub.lock.lock();
        try {
            if (closed || !queue.isEmpty()) {
                return;
            }
            for (Watcher w : watchers.values()) {
                if (!w.spec.progressNotify()) {
                    continue;
                }
                if (!w.eventsSinceTick && hub.isLevel(w)) {
                    queue.offerControl(new Outbound.Control(WatchResponses.progress(w.id), hub.published()));
                }
                w.eventsSinceTick = false;
            }
        } finally {
            hub.lock.unlock();
        }
    }

    /** Whether every watcher is synced and has reached its start revision. Hub lock held. */
    boolean allLevel() {
        for (Watcher w : watchers.values()) {
            if (!hub.isLevel(w)) {
                return false;
            }
        }
        return true;
    }

    /** Removes every watcher: the client went away or half-closed. Queued responses stay for the caller to send or drop. */
    void close() {
        hub.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Watcher w : watchers.values()) {
                hub.unregister(w);
            }
            watchers.clear();
            hub.closed(this);
        } finally {
            hub.lock.unlock();
        }
    }

    /** The watchers, as a copy. Hub lock held. */
    List<Watcher> watchers() {
        return new ArrayList<>(watchers.values());
    }

    int size() {
        hub.lock.lock();
        try {
            return watchers.size();
        } finally {
            hub.lock.unlock();
        }
    }
}
