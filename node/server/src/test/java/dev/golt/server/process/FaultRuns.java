package dev.golt.server.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

    /** Small snapshot thresholds so that snapshots and InstallSnapshot happen under faults too. */
    static List<String> nodeOptions() {
        return List.of("-Dgolt.snapshot.threshold-entries=400", "-Dgolt.snapshot.keep-entries=100",
                "-Dgolt.request-timeout-ms=2000");
    }

    static Path failureLogs(String test, long seed) {
        return Path.of("target", "fault-logs", test + "-" + seed);
    }
}
