package dev.golt.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What one benchmark run measures; parsed from the command line. */
public record BenchSettings(List<String> systems, List<Workload> workloads, List<Integer> clients,
                            Duration systemWarmup, Duration warmup, Duration measure, int repeats, int readKeys,
                            int valueBytes, Path repoRoot, Path out, boolean installEtcd) {

    public static final String USAGE = """
            usage: Benchmark [options]
              --systems etcd,golt        systems to measure, in this order (default both)
              --workloads all|w1,w2      write-leader, write-follower, read-linearizable-leader,
                                         read-linearizable-follower, read-stale-follower, mix-90-10-leader
              --clients 1,10,100         concurrent closed-loop clients per cell
              --system-warmup 60         seconds of unmeasured load (every workload in turn, most clients)
                                         after a system starts: JIT compilation of the Golt JVMs and the
                                         page cache of both systems settle before the first cell
              --warmup 5                 seconds of load before each measured window
              --duration 15              seconds measured per cell
              --repeats 3                repeats of every cell (the table shows medians)
              --read-keys 1000           keys preloaded for the read workloads
              --repo .                   repository root (node jar: node/server/target/quarkus-app/quarkus-run.jar)
              --out bench/results/x.json result file (a .md table is written next to it)
              --no-install               fail instead of installing etcd-server with apt
              --smoke                    one cell (mix-90-10-leader, 10 clients), no system warm-up,
                                         1 s warm-up, 2 s, 1 repeat
              --sustained SECONDS        instead of the cells: one long write-leader window per system,
                                         measured second by second (its options: --sustained 300 --help)
            """;

    public static BenchSettings defaults(Path repoRoot, Path out) {
        return new BenchSettings(List.of("etcd", "golt"), List.of(Workload.values()), List.of(1, 10, 100),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(15), 3, 1000, 100, repoRoot, out, true);
    }

    public BenchSettings smoke() {
        return new BenchSettings(systems, List.of(Workload.MIX_90_10_LEADER), List.of(10), Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(2), 1, 50, valueBytes, repoRoot, out, installEtcd);
    }

    public static BenchSettings parse(String[] args, Path defaultOut) {
        BenchSettings s = defaults(Path.of("."), defaultOut);
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--smoke" -> smoke = true;
                case "--no-install" -> s = s.with(null, null, null, null, null, -1, -1, null, null, false);
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (v == null) {
                        throw new IllegalArgumentException("missing value for " + arg + "\n" + USAGE);
                    }
                    i++;
                    s = switch (arg) {
                        case "--systems" -> s.with(split(v), null, null, null, null, -1, -1, null, null, null);
                        case "--workloads" -> s.with(null, workloads(v), null, null, null, -1, -1, null, null, null);
                        case "--clients" -> s.with(null, null, split(v).stream().map(Integer::parseInt).toList(),
                                null, null, -1, -1, null, null, null);
                        case "--system-warmup" -> s.withSystemWarmup(seconds(v));
                        case "--warmup" -> s.with(null, null, null, seconds(v), null, -1, -1, null, null, null);
                        case "--duration" -> s.with(null, null, null, null, seconds(v), -1, -1, null, null, null);
                        case "--repeats" -> s.with(null, null, null, null, null, Integer.parseInt(v), -1, null, null, null);
                        case "--read-keys" -> s.with(null, null, null, null, null, -1, Integer.parseInt(v), null, null, null);
                        case "--repo" -> s.with(null, null, null, null, null, -1, -1, Path.of(v), null, null);
                        case "--out" -> s.with(null, null, null, null, null, -1, -1, null, Path.of(v), null);
                        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
                    };
                }
            }
        }
        for (String system : s.systems) {
            if (!system.equals("etcd") && !system.equals("golt")) {
                throw new IllegalArgumentException("unknown system " + system + " (etcd or golt)");
            }
        }
        return smoke ? s.smoke() : s;
    }

    private BenchSettings with(List<String> systems, List<Workload> workloads, List<Integer> clients, Duration warmup,
                               Duration measure, int repeats, int readKeys, Path repoRoot, Path out, Boolean install) {
        return new BenchSettings(systems != null ? systems : this.systems, workloads != null ? workloads : this.workloads,
                clients != null ? clients : this.clients, systemWarmup, warmup != null ? warmup : this.warmup,
                measure != null ? measure : this.measure, repeats > 0 ? repeats : this.repeats,
                readKeys > 0 ? readKeys : this.readKeys, valueBytes, repoRoot != null ? repoRoot : this.repoRoot,
                out != null ? out : this.out, install != null ? install : this.installEtcd);
    }

    public BenchSettings withSystemWarmup(Duration d) {
        return new BenchSettings(systems, workloads, clients, d, warmup, measure, repeats, readKeys, valueBytes,
                repoRoot, out, installEtcd);
    }

    public BenchSettings withOut(Path out) {
        return with(null, null, null, null, null, -1, -1, null, out, null);
    }

    public BenchSettings withRepoRoot(Path root) {
        return with(null, null, null, null, null, -1, -1, root, null, null);
    }

    public BenchSettings withoutEtcdInstall() {
        return with(null, null, null, null, null, -1, -1, null, null, false);
    }

    public static String cliName(Workload w) {
        return w.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<Workload> workloads(String v) {
        if (v.equals("all")) {
            return List.of(Workload.values());
        }
        List<Workload> list = new ArrayList<>();
        for (String name : split(v)) {
            list.add(Arrays.stream(Workload.values()).filter(w -> cliName(w).equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown workload " + name + "\n" + USAGE)));
        }
        return list;
    }

    static List<String> split(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    static Duration seconds(String v) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }
}
