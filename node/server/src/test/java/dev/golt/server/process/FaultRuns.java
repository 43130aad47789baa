package dev.golt.server.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/** Settings shared by the fault tests: seed, duration and node configuration. */
final class FaultRuns {

    private static final long T0 = System.nanoTime();

    private FaultRuns() {}

    /** Progress on stdout, with the seconds since the first fault test started. */
    static void say(String test, String format, Object... args) {
        System.out.printf("%s [%5.1fs] %s%n", test, (System.nanoTime() - T0) / 1e9, String.format(format, args));
    }

    /** {@code -Dchaos.seed=N} replays a schedule; otherwise a fresh seed, printed. */
    static long seed(String test) {
        Long fixed = Long.getLong("chaos.seed");
        long seed = fixed != null ? fixed : System.nanoTime();
        say(test, "chaos seed %d (replay with -Dchaos.seed=%d)", seed, seed);
        return seed;
    }

    /** {@code -Dchaos.seconds=N}, else 30 s (300 s with {@code -Dsoak=true}). */
    static Duration duration() {
        return Duration.ofSeconds(Long.getLong("chaos.seconds", Boolean.getBoolean("soak") ? 300 : 30));
    }

    /**
     * Small snapshot thresholds so that snapshots and InstallSnapshot happen under faults too; C1
     * only, because restarts under faults are frequent and these tests measure no speed.
     */
    static List<String> nodeOptions() {
        return List.of("-XX:TieredStopAtLevel=1", "-Dgolt.snapshot.threshold-entries=200",
                "-Dgolt.snapshot.keep-entries=50", "-Dgolt.request-timeout-ms=2000");
    }

    /**
     * After the faults heal, the cluster must serve again: waits until {@code progress} has grown by
     * {@code more} (clients still running), or fails.
     */
    static void awaitProgress(String what, IntSupplier progress, int more) throws InterruptedException {
        int from = progress.getAsInt();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (progress.getAsInt() < from + more) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after healing, only " + (progress.getAsInt() - from) + " more " + what
                        + " in 90 s");
            }
            Thread.sleep(100);
        }
    }

    static Path failureLogs(String test, long seed) {
        return Path.of("target", "fault-logs", test + "-" + seed);
    }

    /** A fault test's body: runs the cluster under the nemesis' faults and asserts. */
    interface Body {
        void run(NodeProcesses cluster, Nemesis nemesis, long seed) throws Exception;
    }

    /**
     * Runs {@code body} on a fresh 3-node cluster with a nemesis of this run's seed; on failure keeps
     * the node logs and reports the seed and the faults, so that the run can be replayed.
     */
    static void underNemesis(String test, Body body) throws Exception {
        long seed = seed(test);
        try (NodeProcesses c = new NodeProcesses(3, true, nodeOptions())) {
            Nemesis nemesis = new Nemesis(c, seed);
            try {
                body.run(c, nemesis, seed);
            } catch (Throwable t) {
                Path logs = failureLogs(test, seed);
                c.keepLogs(logs);
                throw new AssertionError(test + " failed with -Dchaos.seed=" + seed + "; faults:\n  "
                        + String.join("\n  ", nemesis.log()) + "\nnode logs in " + logs, t);
            }
        }
    }
}
