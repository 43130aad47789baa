package dev.golt.server.etcd.watch;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded send queue of one client stream: the hub puts responses in (never waiting), the stream's
 * sender takes them out as fast as gRPC flow control lets it. Events count against a byte bound for
 * this stream and one shared by all streams of the hub; an offer that does not fit is refused, and
 * the hub then moves the watcher to unsynced (it replays the refused revisions from history later).
 * An empty queue takes any one item, so a revision larger than the bound still gets through.
 *
 * <p>When a refused offer or a catch-up found no room, the queue asks the hub to retry
 * ({@code onRoom}) once the sender has brought it down to the low-water mark — half the bound — so
 * that a catch-up does not wake for every few bytes freed.
 */
final class SendQueue {

    private final long maxBytes;
    private final long lowWater;
    private final AtomicLong total;
    private final long totalMax;
    private final Runnable onReadable;
    private final Runnable onRoom;

    private final ArrayDeque<Outbound> items = new ArrayDeque<>();
    private long bytes;
    private long peakBytes;
    private int controls;
    private boolean roomWanted;
    private boolean closed;

    /**
     * @param total      the bytes queued in all streams of the hub, shared
     * @param onReadable called (outside the queue's lock) after each item is added: start sending
     * @param onRoom     called (outside the queue's lock) when room was wanted and is back
     */
    SendQueue(WatchLimits limits, AtomicLong total, Runnable onReadable, Runnable onRoom) {
        this.maxBytes = limits.streamQueueBytes();
        this.lowWater = limits.lowWater();
        this.total = total;
        this.totalMax = limits.totalQueueBytes();
        this.onReadable = onReadable;
        this.onRoom = onRoom;
    }

    /** Queues events if they fit; false (and nothing queued) when they do not. A closed queue drops them. */
    boolean offer(Outbound.Events e) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            if (bytes > 0 && (bytes + e.bytes() > maxBytes || total.get() + e.bytes() > totalMax)) {
                roomWanted = true;
                return false;
            }
            items.add(e);
            bytes += e.bytes();
            total.addAndGet(e.bytes());
            peakBytes = Math.max(peakBytes, bytes);
        }
        onReadable.run();
        return true;
    }

    /** Queues a response without events (or the finish mark): always taken, see {@link Outbound.Control}. */
    void offerControl(Outbound o) {
        synchronized (this) {
            if (closed) {
                return;
            }
            items.add(o);
            if (o instanceof Outbound.Control) {
                controls++;
            }
        }
        onReadable.run();
    }

    /** The next item to send, or null. */
    Outbound poll() {
        Outbound o;
        boolean signal = false;
        synchronized (this) {
            o = items.poll();
            if (o instanceof Outbound.Events e) {
                bytes -= e.bytes();
                total.addAndGet(-e.bytes());
                if (roomWanted && bytes <= lowWater) {
                    roomWanted = false;
                    signal = true;
                }
            } else if (o instanceof Outbound.Control) {
                controls--;
            }
        }
        if (signal) {
            onRoom.run();
        }
        return o;
    }

    /**
     * Whether a catch-up should fill this queue now: it is at or below the low-water mark (and the hub
     * as a whole below its bound), or empty. When not, the queue calls {@code onRoom} once it is.
     */
    synchronized boolean hasRoom() {
        if (bytes == 0 || (bytes <= lowWater && total.get() <= totalMax)) {
            return true;
        }
        roomWanted = true;
        return false;
    }

    /** Drops everything queued; later offers are dropped too (the stream is gone). */
    void close() {
        synchronized (this) {
            closed = true;
            total.addAndGet(-bytes);
            bytes = 0;
            controls = 0;
            items.clear();
        }
    }

    synchronized boolean isEmpty() {
        return items.isEmpty();
    }

    /** Unsent responses without events. */
    synchronized int controls() {
        return controls;
    }

    synchronized long bytes() {
        return bytes;
    }

    /** The most bytes this queue ever held: at most its bound, or one item when that was larger. */
    synchronized long peakBytes() {
        return peakBytes;
    }
}
