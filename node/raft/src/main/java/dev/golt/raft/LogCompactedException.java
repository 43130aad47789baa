package dev.golt.raft;

/** The requested index lies in the compacted prefix of the log. */
public class LogCompactedException extends RuntimeException {
    public LogCompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted; log starts at " + firstIndex);
    }
}
