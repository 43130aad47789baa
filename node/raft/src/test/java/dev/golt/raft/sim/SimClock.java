package dev.golt.raft.sim;

import java.util.SplittableRandom;

/**
 * One simulated node's timer (the simulation's counterpart of the node server's tick loop; the
 * idea of seeded clock faults follows FoundationDB-style deterministic simulation, not etcd-io/raft,
 * whose tests tick every node alike). Nodes tick at different seeded rates, so election timeouts and
 * check-quorum windows drift apart as they do under load, and a node can be paused (a GC pause, a
 * SIGSTOP): it neither ticks nor handles messages, and like the node server's loop it does not
 * catch up on the ticks it missed. With equal rates and no pauses a deposed leader always notices
 * before a successor is elected, which hides every bug that needs a stale leader.
 */
final class SimClock {

    private final int ticksPerMille;
    private int accumulated;
    private long pausedUntil = -1;
    private long slowUntil = -1;

    /** A rate within {@code skew} of one tick per step, derived from the seed and the node only. */
    SimClock(long seed, String node, double skew) {
        // SplittableRandom mixes its seed: java.util.Random gives nearly equal first draws for adjacent seeds.
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + node.hashCode());
        this.ticksPerMille = (int) Math.round(1000 * (1 + skew * (2 * r.nextDouble() - 1)));
    }

    /** How many times the node's timer fires during step {@code now}. */
    int ticks(long now) {
        if (paused(now)) {
            return 0;
        }
        // A starved timer (an overloaded host, a throttled container) ticks at a fifth of its rate.
        accumulated += now < slowUntil ? ticksPerMille / 5 : ticksPerMille;
        int ticks = accumulated / 1000;
        accumulated %= 1000;
        return ticks;
    }

    boolean paused(long now) {
        return now < pausedUntil;
    }

    long pausedUntil() {
        return pausedUntil;
    }

    void pause(long now, long steps) {
        pausedUntil = now + steps;
    }

    void resume() {
        pausedUntil = -1;
        slowUntil = -1;
    }

    void slowDown(long now, long steps) {
        slowUntil = now + steps;
    }

    double rate() {
        return ticksPerMille / 1000.0;
    }
}
