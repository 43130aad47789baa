package dev.golt.server.etcd.watch;

/**
 * One watch of one client stream. Its mutable fields belong to the {@link WatchHub} and change only
 * under the hub's lock; {@link #stream}, {@link #id} and {@link #spec} are fixed, so the sending side
 * reads them freely.
 */
final class Watcher {

    /**
     * Synced: gets each published revision live. Unsynced: behind the hub (a replay from a past
     * revision, a full send queue, a replaced store); the catch-up replays history until it is level.
     * Canceled: gone, by the client or by compaction.
     */
    enum State { SYNCED, UNSYNCED, CANCELED }

    final WatchStream stream;
    final long id;
    final WatchSpec spec;

    /** The next revision this watcher has not been given: everything matching below it was queued. */
    long minRev;
    State state = State.UNSYNCED;
    /** Events were queued since the last progress tick (etcd elides the next notification then). */
    boolean eventsSinceTick;

    Watcher(WatchStream stream, long id, WatchSpec spec) {
        this.stream = stream;
        this.id = id;
        this.spec = spec;
    }

    @Override
    public String toString() {
        return "watcher " + id + " " + state + " at " + minRev;
    }
}
