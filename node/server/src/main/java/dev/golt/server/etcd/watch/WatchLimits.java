package dev.golt.server.etcd.watch;

/**
 * The memory bounds of a {@link WatchHub}. Watch memory is what clients have not read yet plus what
 * a catch-up holds while it replays history; both are bounded here, so a client that stops reading
 * costs at most its queue, never a growing backlog.
 *
 * @param streamQueueBytes   events queued for one client stream and not yet handed to gRPC, in bytes
 *                           of keys and values (etcd bounds its channel at 128 responses instead,
 *                           which does not bound bytes). When a live event does not fit, its watcher
 *                           falls behind and later replays it from history. A single event larger
 *                           than this still passes, alone, through an empty queue.
 * @param totalQueueBytes    the same, summed over every stream of the node: many slow clients at
 *                           once cannot add up to more than this (plus one event each)
 * @param catchUpEvents      at most about this many events per history read (a revision is never
 *                           split); etcd replays up to 1000 revisions per batch
 * @param catchUpBytes       and at most about this many bytes of keys and values per history read
 * @param watchersPerPass    unsynced watchers served by one catch-up pass (etcd's maxWatchersPerSync)
 */
public record WatchLimits(long streamQueueBytes, long totalQueueBytes, int catchUpEvents, long catchUpBytes,
        int watchersPerPass) {

    public WatchLimits {
        if (streamQueueBytes < 1024 || totalQueueBytes < streamQueueBytes || catchUpEvents < 1 || catchUpBytes < 1
                || watchersPerPass < 1) {
            throw new IllegalArgumentException("watch limits make no sense: " + streamQueueBytes + ", "
                    + totalQueueBytes + ", " + catchUpEvents + ", " + catchUpBytes + ", " + watchersPerPass);
        }
    }

    /** 1 MiB per stream, 32 MiB per node, 1000 events or 1 MiB per history read, 512 watchers per pass. */
    public static WatchLimits defaults() {
        return new WatchLimits(1L << 20, 32L << 20, 1000, 1L << 20, 512);
    }

    public WatchLimits withStreamQueueBytes(long v) {
        return new WatchLimits(v, Math.max(v, totalQueueBytes), catchUpEvents, catchUpBytes, watchersPerPass);
    }

    public WatchLimits withTotalQueueBytes(long v) {
        return new WatchLimits(streamQueueBytes, v, catchUpEvents, catchUpBytes, watchersPerPass);
    }

    public WatchLimits withCatchUp(int events, long bytes) {
        return new WatchLimits(streamQueueBytes, totalQueueBytes, events, bytes, watchersPerPass);
    }

    public WatchLimits withWatchersPerPass(int v) {
        return new WatchLimits(streamQueueBytes, totalQueueBytes, catchUpEvents, catchUpBytes, v);
    }

    /** Replayed history is sent in responses of about this size, so a queue holds several of them. */
    long catchUpResponseBytes() {
        return Math.max(1, streamQueueBytes / 4);
    }

    /** A catch-up drains again once its stream's queue is down to this. */
    long lowWater() {
        return streamQueueBytes / 2;
    }
}
