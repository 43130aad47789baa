package dev.golt.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** What one run of the etcd-API benchmark ({@code bench/etcd-api.sh}) measures; parsed from the command line. */
public record ApiBenchSettings(List<String> systems, List<ApiWorkload> workloads, List<Integer> clients,
                               int fixedTotal, double scale, int putRate, int repeats, double warmupScale,
                               boolean allEndpoints, Path etcd, Path tool, Path repoRoot, Path out,
                               Duration cellTimeout, Duration stallTimeout, int leases, int leaseTtlSeconds,
                               Duration leaseWindow, Duration leaseIdle, boolean smoke) {

    public static final String USAGE = """
            usage: ApiBenchmark [options]   (bench/etcd-api.sh passes --repo, --etcd and --tool)
              --systems etcd,golt        systems to measure, in this order (default both)
              --workloads all|w1,w2      put, range-l, range-s, txn-put, watch-latency
              --clients 1,10,100,1000    gRPC clients per cell (connections: min(clients, 100);
                                         watch-latency: watchers, in min(clients, 100) streams)
              --total N                  requests per cell for every cell (watch-latency: Puts);
                                         default: sized per workload and clients, a few seconds each
              --scale 1.0                multiplies the default totals
              --put-rate 100             watch-latency's Puts per second
              --repeats 1                repeats of every cell (the table shows medians)
              --warmup-scale 0.5         before a system's first cell, every workload once at
                                         min(100, most clients) with this fraction of its total,
                                         unmeasured (JIT, caches); 0 turns it off
              --endpoints leader|all     the tool talks to the leader (default) or to all three
                                         members (its connections round-robin over them)
              --etcd PATH                the etcd binary (default: $GOLT_ETCD_BIN/etcd, else
                                         ~/.cache/golt/etcd-3.5/root/usr/bin/etcd, else etcd on PATH)
              --tool PATH                etcd's benchmark binary (default ~/.cache/golt/etcd-bench/benchmark,
                                         built by compat/build-etcd-benchmark.sh)
              --cell-timeout 300         seconds before a cell's tool is stopped and the cell reported failed
              --stall-timeout 20         ... or once its progress bar has not moved for this long
              --leases 10000             the lease check: leases kept alive on the leader (0: skip it)
              --lease-ttl 30             their TTL in seconds; each is kept alive every TTL/3
              --lease-window 30          seconds the leader's CPU is measured while they are kept alive
              --repo .                   repository root
              --out bench/results/x.json result file (a .md table is written next to it)
              --smoke                    one short cell per workload (10 clients, ~6 % of the totals),
                                         no warm-up, a 1,000-lease check over 4 s
            """;

    public static ApiBenchSettings defaults(Path repoRoot, Path out) {
        return new ApiBenchSettings(List.of("etcd", "golt"), List.of(ApiWorkload.values()), List.of(1, 10, 100, 1000),
                0, 1.0, 100, 1, 0.5, false, null, null, repoRoot, out, Duration.ofSeconds(300), Duration.ofSeconds(20),
                10_000, 30, Duration.ofSeconds(30), Duration.ofSeconds(10), false);
    }

    public ApiBenchSettings smokeVariant() {
        return new ApiBenchSettings(systems, workloads, List.of(10), fixedTotal, scale * 0.06, putRate, 1, 0,
                allEndpoints, etcd, tool, repoRoot, out, Duration.ofSeconds(120), Duration.ofSeconds(10),
                Math.min(leases, 1_000), 6, Duration.ofSeconds(4), Duration.ofSeconds(2), true);
    }

    /** Requests (watch-latency: Puts) in one cell. */
    public int total(ApiWorkload w, int clients) {
        if (fixedTotal > 0) {
            return fixedTotal;
        }
        long t = Math.round(w.defaultTotal(clients, putRate) * scale);
        return (int) Math.max(t, w == ApiWorkload.WATCH_LATENCY ? 10 : Math.max(10, clients));
    }

    /** The etcd binary: {@code --etcd}, else etcd 3.5 from compat/fetch-etcd.sh's cache, else etcd on PATH. */
    public Path etcdBinary() {
        if (etcd != null) {
            return etcd;
        }
        String bin = System.getenv().getOrDefault("GOLT_ETCD_BIN", "");
        if (!bin.isBlank() && Files.isExecutable(Path.of(bin.trim(), "etcd"))) {
            return Path.of(bin.trim(), "etcd");
        }
        Path cached = Path.of(System.getProperty("user.home"), ".cache/golt/etcd-3.5/root/usr/bin/etcd");
        if (Files.isExecutable(cached)) {
            return cached;
        }
        return EtcdCluster.onPath("etcd").map(Path::of).orElseThrow(() -> new IllegalStateException(
                "no etcd: run compat/fetch-etcd.sh (etcd 3.5) or pass --etcd PATH"));
    }

    /** etcd's benchmark tool: {@code --tool}, else compat/build-etcd-benchmark.sh's output. */
    public Path toolBinary() {
        Path t = tool != null ? tool : Path.of(System.getenv().getOrDefault("GOLT_ETCD_BENCH_CACHE",
                System.getProperty("user.home") + "/.cache/golt/etcd-bench"), "benchmark");
        if (!Files.isExecutable(t)) {
            throw new IllegalStateException("etcd's benchmark tool not found at " + t
                    + ": build it with compat/build-etcd-benchmark.sh (bench/etcd-api.sh does this) or pass --tool PATH");
        }
        return t;
    }

    public static ApiBenchSettings parse(String[] args, Path defaultOut) {
        ApiBenchSettings d = defaults(Path.of("."), defaultOut);
        List<String> systems = d.systems;
        List<ApiWorkload> workloads = d.workloads;
        List<Integer> clients = d.clients;
        int fixedTotal = d.fixedTotal;
        double scale = d.scale;
        int putRate = d.putRate;
        int repeats = d.repeats;
        double warmupScale = d.warmupScale;
        boolean all = d.allEndpoints;
        Path etcd = null;
        Path tool = null;
        Path repo = d.repoRoot;
        Path out = d.out;
        Duration cellTimeout = d.cellTimeout;
        Duration stallTimeout = d.stallTimeout;
        int leases = d.leases;
        int leaseTtl = d.leaseTtlSeconds;
        Duration leaseWindow = d.leaseWindow;
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--smoke")) {
                smoke = true;
                continue;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + arg + "\n" + USAGE);
            }
            String v = args[++i];
            try {
                switch (arg) {
                    case "--systems" -> systems = split(v);
                    case "--workloads" -> workloads = v.equals("all") ? List.of(ApiWorkload.values())
                            : split(v).stream().map(ApiWorkload::byName).toList();
                    case "--clients" -> clients = split(v).stream().map(Integer::parseInt).toList();
                    case "--total" -> fixedTotal = Integer.parseInt(v);
                    case "--scale" -> scale = Double.parseDouble(v);
                    case "--put-rate" -> putRate = Integer.parseInt(v);
                    case "--repeats" -> repeats = Integer.parseInt(v);
                    case "--warmup-scale" -> warmupScale = Double.parseDouble(v);
                    case "--endpoints" -> all = switch (v) {
                        case "leader" -> false;
                        case "all" -> true;
                        default -> throw new IllegalArgumentException("--endpoints is leader or all, not " + v);
                    };
                    case "--etcd" -> etcd = Path.of(v);
                    case "--tool" -> tool = Path.of(v);
                    case "--cell-timeout" -> cellTimeout = seconds(v);
                    case "--stall-timeout" -> stallTimeout = seconds(v);
                    case "--leases" -> leases = Integer.parseInt(v);
                    case "--lease-ttl" -> leaseTtl = Integer.parseInt(v);
                    case "--lease-window" -> leaseWindow = seconds(v);
                    case "--repo" -> repo = Path.of(v);
                    case "--out" -> out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad number for " + arg + ": " + v);
            }
        }
        for (String system : systems) {
            if (!system.equals("etcd") && !system.equals("golt")) {
                throw new IllegalArgumentException("unknown system " + system + " (etcd or golt)");
            }
        }
        if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1) || repeats < 1 || putRate < 1 || leaseTtl < 3
                || scale <= 0 || warmupScale < 0) {
            throw new IllegalArgumentException("clients, repeats, put rate and scale must be positive, the lease TTL at least 3 s");
        }
        ApiBenchSettings s = new ApiBenchSettings(systems, workloads, clients, fixedTotal, scale, putRate, repeats,
                warmupScale, all, etcd, tool, repo, out, cellTimeout, stallTimeout, leases, leaseTtl, leaseWindow,
                d.leaseIdle, false);
        return smoke ? s.smokeVariant() : s;
    }

    private static List<String> split(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static Duration seconds(String v) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }
}
