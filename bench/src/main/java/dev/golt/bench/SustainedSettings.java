package dev.golt.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What one run of the sustained-write benchmark ({@code bench/run.sh --sustained SECONDS}) measures; parsed from the command line. */
public record SustainedSettings(List<String> systems, int clients, Duration systemWarmup, Duration window,
                                int valueBytes, Path etcd, Path repoRoot, Path out, boolean installEtcd) {

    public static final String USAGE = """
            usage: Benchmark --sustained SECONDS [options]
              one long window of writes to the leader (unique keys, 100-byte values) per system, every
              second measured on its own: ops, errors and latencies per second, stalls in the write path
              --sustained 300            seconds measured per system (whole seconds)
              --systems etcd,golt        systems to measure, in this order (default both)
              --clients 100              concurrent closed-loop clients
              --system-warmup 60         seconds of unmeasured writes (same clients, same load) right
                                         before the window: JIT compilation and caches settle
              --etcd PATH                the etcd binary (default: etcd on PATH, installed with apt if missing)
              --repo .                   repository root (node jar: node/server/target/quarkus-app/quarkus-run.jar)
              --out bench/results/x.json result file (a .md table is written next to it); the members'
                                         logs are kept in bench/target/sustained-logs/<time>/
              --no-install               fail instead of installing etcd-server with apt
            """;

    public static SustainedSettings defaults(Path repoRoot, Path out) {
        return new SustainedSettings(List.of("etcd", "golt"), 100, Duration.ofSeconds(60), Duration.ofSeconds(300), 100,
                null, repoRoot, out, true);
    }

    public static SustainedSettings parse(String[] args, Path defaultOut) {
        SustainedSettings d = defaults(Path.of("."), defaultOut);
        List<String> systems = d.systems;
        int clients = d.clients;
        Duration systemWarmup = d.systemWarmup;
        Duration window = null;
        Path etcd = null;
        Path repo = d.repoRoot;
        Path out = d.out;
        boolean install = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (arg.equals("--no-install")) {
                install = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + arg + "\n" + USAGE);
            }
            String v = args[++i];
            switch (arg) {
                case "--sustained" -> window = BenchSettings.seconds(v);
                case "--systems" -> systems = BenchSettings.split(v);
                case "--clients" -> clients = Integer.parseInt(v);
                case "--system-warmup" -> systemWarmup = BenchSettings.seconds(v);
                case "--etcd" -> etcd = Path.of(v);
                case "--repo" -> repo = Path.of(v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("option " + arg + " is not used with --sustained\n" + USAGE);
            }
        }
        if (window == null || window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("--sustained needs a whole number of seconds, at least 1\n" + USAGE);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1");
        }
        for (String system : systems) {
            if (!system.equals("etcd") && !system.equals("golt")) {
                throw new IllegalArgumentException("unknown system " + system + " (etcd or golt)");
            }
        }
        return new SustainedSettings(systems, clients, systemWarmup, window, d.valueBytes, etcd, repo, out, install);
    }

    /** Seconds in the measured window, i.e. the length of the per-second series. */
    public int windowSeconds() {
        return (int) window.toSeconds();
    }
}
