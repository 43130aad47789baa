package dev.golt.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs Golt and etcd one after the other on this machine with the same closed-loop load and prints
 * the side-by-side table. Entry point of {@code bench/run.sh}; with {@code --sustained SECONDS} it
 * runs the sustained-write benchmark ({@link SustainedBenchmark}) instead of the cells.
 */
public final class Benchmark {

    private final BenchSettings settings;

    public Benchmark(BenchSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (List.of(args).contains("--sustained")) {
            SustainedBenchmark.main(args, stamp);
            return;
        }
        BenchSettings settings;
        try {
            settings = BenchSettings.parse(args, Path.of("bench", "results", "bench-" + stamp + ".json"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<SystemRun> runs = new Benchmark(settings).run();
        Report report = new Report(settings, runs);
        System.out.println();
        System.out.println(report.markdown());
        report.write();
        System.out.println("results: " + settings.out().toAbsolutePath() + " (and .md)");
        boolean failed = runs.stream().anyMatch(r -> r.failure != null);
        System.exit(failed ? 1 : 0);
    }

    /** Measures every configured system; a system that fails is reported, the others still run. */
    public List<SystemRun> run() {
        List<SystemRun> runs = new ArrayList<>();
        try (ProcessSupervisor supervisor = new ProcessSupervisor();
             LoadGenerator generator = new LoadGenerator(settings.valueBytes())) {
            for (String system : settings.systems()) {
                SystemRun run = new SystemRun(system);
                runs.add(run);
                try (ClusterUnderTest cluster = create(system, supervisor)) {
                    measure(cluster, generator, run);
                } catch (RuntimeException e) {
                    run.failure = e.getMessage() == null ? e.toString() : e.getMessage();
                    System.err.println("[" + system + "] FAILED: " + run.failure);
                }
                log(system, "stopped");
            }
        }
        return runs;
    }

    private ClusterUnderTest create(String system, ProcessSupervisor supervisor) {
        return switch (system) {
            case "etcd" -> new EtcdCluster(supervisor, settings.installEtcd());
            case "golt" -> new GoltCluster(supervisor, settings.repoRoot());
            default -> throw new IllegalArgumentException(system);
        };
    }

    private void measure(ClusterUnderTest cluster, LoadGenerator generator, SystemRun run) {
        String system = cluster.system();
        run.version = cluster.version();
        log(system, "starting 3 members (" + run.version + ")");
        long launched = System.nanoTime();
        cluster.start();
        run.startSeconds = (System.nanoTime() - launched) / 1e9;
        Map<String, Long> pids = cluster.pids();
        List<Long> pidList = List.copyOf(pids.values());
        log(system, "leader " + cluster.leader() + ", pids " + pids);

        List<String> readKeys = IntStream.range(0, settings.readKeys()).mapToObj(i -> "bench/r/" + i).toList();
        if (settings.workloads().stream().anyMatch(Workload::readsPreloadedKeys)) {
            generator.preload(cluster.api(), cluster.leader(), new ArrayList<>(readKeys));
            log(system, "preloaded " + readKeys.size() + " keys");
        }
        warmUp(cluster, generator, readKeys);
        int cellNumber = 0;
        for (int repeat = 1; repeat <= settings.repeats(); repeat++) {
            for (Workload workload : settings.workloads()) {
                for (int clients : settings.clients()) {
                    Endpoint endpoint = workload.target() == Workload.Target.LEADER ? cluster.leader() : cluster.follower();
                    String prefix = "bench/w/" + repeat + "/" + (cellNumber++) + "/";
                    Measurement m = generator.run(cluster.api(), endpoint, workload, clients, settings.warmup(),
                            settings.measure(), prefix, readKeys, () -> ProcStats.cpuSeconds(pidList));
                    run.cells.add(new SystemRun.Cell(workload, clients, repeat, endpoint.memberId(), m));
                    log(system, String.format(Locale.ROOT,
                            "repeat %d %-34s %3d clients on %s: %9.1f ops/s  p50 %7.2f  p99 %7.2f  p99.9 %7.2f ms  errors %d  server cpu %.1f s",
                            repeat, workload.label(), clients, endpoint.memberId(), m.opsPerSecond(),
                            m.percentileMillis(50), m.percentileMillis(99), m.percentileMillis(99.9), m.errors(),
                            m.serverCpuSeconds()));
                }
            }
        }
        pids.forEach((member, pid) -> run.members.put(member,
                new SystemRun.MemberUsage(pid, ProcStats.residentMiB(pid), ProcStats.cpuSeconds(pid))));
        log(system, "members at the end: " + run.members);
        for (int repeat = 1; repeat <= settings.repeats(); repeat++) {
            LocalCluster.Recovery r = cluster.killAllAndRestart(Duration.ofSeconds(120));
            run.recoveries.add(r);
            log(system, String.format(Locale.ROOT, "kill -9 of all members, restarted: serving after %s s, first write accepted after %.2f s",
                    r.servingSeconds(), r.firstWriteSeconds()));
        }
    }

    /** Unmeasured load on every workload in turn, so that no cell pays for JIT compilation or cold caches. */
    private void warmUp(ClusterUnderTest cluster, LoadGenerator generator, List<String> readKeys) {
        if (settings.systemWarmup().isZero()) {
            return;
        }
        Duration slice = settings.systemWarmup().dividedBy(settings.workloads().size());
        int clients = settings.clients().stream().max(Integer::compare).orElseThrow();
        log(cluster.system(), "warming up: every workload for " + slice.toMillis() / 1000.0 + " s at " + clients + " clients");
        for (Workload workload : settings.workloads()) {
            Endpoint endpoint = workload.target() == Workload.Target.LEADER ? cluster.leader() : cluster.follower();
            generator.run(cluster.api(), endpoint, workload, clients, slice, Duration.ZERO,
                    "bench/warmup/" + BenchSettings.cliName(workload) + "/", readKeys, () -> 0);
        }
    }

    private static final long STARTED = System.nanoTime();

    static void log(String system, String message) {
        System.out.printf(Locale.ROOT, "[%s +%.1fs] %s%n", system, (System.nanoTime() - STARTED) / 1e9, message);
    }
}
