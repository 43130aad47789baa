package dev.golt.bench;

/**
 * The cells of the benchmark. Each names which member the clients talk to and what they send;
 * the same definition drives both systems.
 */
public enum Workload {
    WRITE_LEADER("write, leader", Target.LEADER, 0.0, ReadMode.LINEARIZABLE),
    WRITE_FOLLOWER("write, follower", Target.FOLLOWER, 0.0, ReadMode.LINEARIZABLE),
    READ_LINEARIZABLE_LEADER("lin. read, leader", Target.LEADER, 1.0, ReadMode.LINEARIZABLE),
    READ_LINEARIZABLE_FOLLOWER("lin. read, follower", Target.FOLLOWER, 1.0, ReadMode.LINEARIZABLE),
    READ_STALE_FOLLOWER("stale/serializable read, follower", Target.FOLLOWER, 1.0, ReadMode.STALE),
    MIX_90_10_LEADER("90% lin. read / 10% write, leader", Target.LEADER, 0.9, ReadMode.LINEARIZABLE);

    public enum Target { LEADER, FOLLOWER }

    public enum ReadMode { LINEARIZABLE, STALE }

    private final String label;
    private final Target target;
    private final double readFraction;
    private final ReadMode readMode;

    Workload(String label, Target target, double readFraction, ReadMode readMode) {
        this.label = label;
        this.target = target;
        this.readFraction = readFraction;
        this.readMode = readMode;
    }

    public String label() {
        return label;
    }

    public Target target() {
        return target;
    }

    /** Probability that one operation is a read; the rest are writes of fresh keys. */
    public double readFraction() {
        return readFraction;
    }

    public ReadMode readMode() {
        return readMode;
    }

    public boolean readsPreloadedKeys() {
        return readFraction > 0;
    }
}
