package dev.golt.server.etcd.watch;

import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.MvccStore;
import dev.golt.storage.mvcc.RevisionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The hub's thread that brings unsynced watchers level (etcd's {@code syncWatchersLoop}): each pass
 * picks unsynced watchers whose stream has room, reads one bounded batch of history from the lowest
 * revision any of them needs — without the hub's lock, so {@code publish} never waits for the disk —
 * then, under the lock, queues each watcher its part and moves the ones that reached the hub's
 * revision to synced. Events the store has committed but the hub not yet published are left to
 * {@code publish}, so a watcher never runs ahead of the hub.
 *
 * <p>A watcher still a few revisions short after that (writes landed during the read) is finished at
 * once with one more read under the lock, where no publish can move the target: a catch-up converges
 * under any write rate, and publish waits at most for that one small read (etcd holds its lock for
 * the whole catch-up).
 */
final class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class);
    /** etcd's watchResyncPeriod: how often a pass runs with nothing waking it. */
    private static final long RESYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A watcher at most this many revisions short after a pass is finished under the lock. */
    static final long TAIL_REVISIONS = 128;

    private final WatchHub hub;
    private final WatchLimits limits;
    private final Thread thread;
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile boolean stopped;

    CatchUp(WatchHub hub, WatchLimits limits) {
        this.hub = hub;
        this.limits = limits;
        this.thread = Thread.ofPlatform().daemon().name("golt-watch-catch-up").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Runs a pass soon: a watcher fell behind, or a stream that had no room has some again. */
    void wake() {
        woken.set(true);
        LockSupport.unpark(thread);
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!stopped) {
            boolean changed;
            try {
                changed = pass();
            } catch (Throwable t) {
                // Whatever it was, the thread must outlive it: without it no lagging watcher ever moves.
                LOG.error("watch catch-up pass failed; retrying", t);
                changed = false;
                woken.set(false);
            }
            if (!changed && !woken.getAndSet(false)) {
                LockSupport.parkNanos(RESYNC_NANOS);
            }
        }
    }

    private record Plan(MvccStore store, long epoch, List<Watcher> watchers, long from, boolean withPrev) {}

    /** One pass; true when some watcher moved (then another pass follows at once). */
    boolean pass() {
        Plan plan;
        hub.lock.lock();
        try {
            boolean[] canceled = {false};
            plan = plan(canceled);
            if (plan == null) {
                return canceled[0];
            }
        } finally {
            hub.lock.unlock();
        }
        HistoryBatch batch;
        try {
            batch = HistoryBatch.read(plan.store, plan.from, limits, plan.withPrev);
        } catch (RevisionException e) {
            return true; // compacted since the plan: the next plan cancels whom it concerns
        }
        hub.lock.lock();
        try {
            if (hub.epoch != plan.epoch) {
                return true; // the store was replaced while reading: this batch may not be its history
            }
            List<Watcher> tail = new ArrayList<>();
            boolean changed = deliver(plan.watchers, batch, tail);
            if (!tail.isEmpty()) {
                changed |= finishTail(plan.store, tail);
            }
            for (Watcher w : plan.watchers) {
                // Round robin: whoever is still behind goes to the back, so that no watcher waits forever
                // behind watchersPerPass others.
                if (w.state == Watcher.State.UNSYNCED && hub.unsynced.remove(w)) {
                    hub.unsynced.add(w);
                }
            }
            return changed;
        } finally {
            hub.lock.unlock();
        }
    }

    /** Cancels watchers that fell below the compacted revision and picks who to serve. Hub lock held. */
    private Plan plan(boolean[] canceled) {
        if (hub.unsynced.isEmpty()) {
            return null;
        }
        MvccStore store = hub.store();
        long compacted = store.compactedRevision();
        List<Watcher> chosen = new ArrayList<>();
        long from = Long.MAX_VALUE;
        boolean withPrev = false;
        for (Watcher w : new ArrayList<>(hub.unsynced)) {
            if (w.minRev < compacted) {
                // Its history is gone: it ends, telling the client where it can resume (etcd's chooseAll).
                w.stream.cancelCompacted(w, compacted);
                canceled[0] = true;
                continue;
            }
            if (chosen.size() < limits.watchersPerPass() && w.stream.queue.hasRoom()) {
                chosen.add(w);
                from = Math.min(from, w.minRev);
                withPrev |= w.spec.prevKv();
            }
        }
        return chosen.isEmpty() ? null : new Plan(store, hub.epoch, chosen, from, withPrev);
    }

    /**
     * Queues each watcher its events of {@code batch} up to the hub's revision; those that reach it are
     * synced, those a few revisions short go to {@code tail} (null: none). Hub lock held.
     */
    private boolean deliver(List<Watcher> watchers, HistoryBatch batch, List<Watcher> tail) {
        long published = hub.published();
        long upTo = Math.min(batch.covered(), published);
        boolean changed = false;
        for (Watcher w : watchers) {
            if (w.state != Watcher.State.UNSYNCED) {
                continue; // canceled, or synced by the tail read, since the plan
            }
            long before = w.minRev;
            boolean fits = w.minRev > upTo || send(w, batch.events(), upTo);
            changed |= w.minRev != before;
            if (!fits) {
                continue; // its queue filled up: it resumes when the client has read some
            }
            if (w.minRev > published) {
                hub.markSynced(w);
                changed = true;
            } else if (tail != null && w.minRev == upTo + 1 && published - upTo <= TAIL_REVISIONS) {
                tail.add(w);
            }
        }
        return changed;
    }

    /** The last few revisions, read under the hub lock so that the watchers end level. */
    private boolean finishTail(MvccStore store, List<Watcher> tail) {
        long from = Long.MAX_VALUE;
        boolean withPrev = false;
        for (Watcher w : tail) {
            from = Math.min(from, w.minRev);
            withPrev |= w.spec.prevKv();
        }
        try {
            return deliver(tail, HistoryBatch.read(store, from, limits, withPrev), null);
        } catch (RevisionException e) {
            return true;
        }
    }

    /**
     * Queues {@code w} its events of revisions [w.minRev, upTo], in responses of about
     * {@link WatchLimits#catchUpResponseBytes} cut at revision boundaries, and moves w.minRev past
     * what was queued. False when the queue refused a response (w.minRev then names its first revision).
     */
    private boolean send(Watcher w, List<Event> events, long upTo) {
        long target = limits.catchUpResponseBytes();
        boolean withPrev = w.spec.prevKv();
        List<Event> chunk = new ArrayList<>();
        long bytes = 0;
        long first = -1;
        long last = -1;
        for (Event e : events) {
            long rev = e.kv().modRevision();
            if (rev < w.minRev || rev > upTo || !w.spec.wants(e)) {
                continue;
            }
            if (rev != last && bytes >= target) {
                // The chunk so far holds whole revisions below rev: the watcher then has everything below rev.
                if (!offer(w, chunk, rev - 1, bytes)) {
                    w.minRev = first;
                    return false;
                }
                w.minRev = rev;
                chunk = new ArrayList<>();
                bytes = 0;
                first = -1;
            }
            if (first < 0) {
                first = rev;
            }
            chunk.add(e);
            bytes += WatchResponses.bytes(e, withPrev);
            last = rev;
        }
        if (!chunk.isEmpty() && !offer(w, chunk, upTo, bytes)) {
            w.minRev = first;
            return false;
        }
        w.minRev = upTo + 1;
        return true;
    }

    private static boolean offer(Watcher w, List<Event> chunk, long revision, long bytes) {
        if (!w.stream.queue.offer(new Outbound.Events(w, chunk, revision, bytes))) {
            return false;
        }
        w.eventsSinceTick = true;
        return true;
    }
}
