package dev.golt.raft.tracker;

/**
 * The pipelining window of one follower in REPLICATE state (etcd-io/raft's tracker.Inflights): a
 * bounded ring of the last indexes of the appends sent and not yet acknowledged. Its size is
 * {@code RaftConfig.maxInflight()}, which bounds how much a slow or dead follower can make the
 * leader buffer in the transport; a full window pauses sending until acknowledgements free it.
 */
public final class Inflights {

    private final long[] buffer;
    private int start;
    private int count;

    Inflights(int size) {
        buffer = new long[size];
    }

    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflights full");
        }
        buffer[(start + count) % buffer.length] = lastIndex;
        count++;
    }

    /** Frees every in-flight append whose last index is {@code <= to}: acknowledgements are cumulative. */
    public void freeLE(long to) {
        while (count > 0 && buffer[start] <= to) {
            start = (start + 1) % buffer.length;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** Frees the oldest append, so that a lost one cannot keep a full window closed for good. */
    public void freeFirstOne() {
        if (count > 0) {
            start = (start + 1) % buffer.length;
            count--;
        }
    }

    public boolean full() {
        return count == buffer.length;
    }

    public int count() {
        return count;
    }

    void reset() {
        start = 0;
        count = 0;
    }
}
