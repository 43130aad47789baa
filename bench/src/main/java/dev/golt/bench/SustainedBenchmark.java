package dev.golt.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The sustained-write benchmark (issue 17 §3b), {@code bench/run.sh --sustained SECONDS}: per
 * system, a 3-member cluster started as for the cells, an unmeasured warm-up of the same writes,
 * then one long window of writes to the leader (unique keys) cut into one-second intervals, each
 * with its own ops, errors and latencies. A 15 s cell averages a stall of the write path away; a
 * series of seconds shows when one happens and how long it lasts, and the members' logs are kept
 * so that a second can be matched with what the servers were doing.
 */
public final class SustainedBenchmark {

    private static final int PROGRESS_EVERY_SECONDS = 10;
    private static final String KEY_PREFIX = "bench/s/";

    private final SustainedSettings settings;
    private final Path logDir;

    public SustainedBenchmark(SustainedSettings settings, Path logDir) {
        this.settings = settings;
        this.logDir = logDir;
    }

    static void main(String[] args, String stamp) {
        SustainedSettings settings;
        try {
            settings = SustainedSettings.parse(args, Path.of("bench", "results", "sustained-" + stamp + ".json"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path logDir = settings.repoRoot().resolve("bench/target/sustained-logs/" + stamp).toAbsolutePath().normalize();
        List<SustainedRun> runs = new SustainedBenchmark(settings, logDir).run();
        SustainedReport report = new SustainedReport(settings, runs);
        System.out.println();
        System.out.println(report.markdown());
        report.write();
        System.out.println("results: " + settings.out().toAbsolutePath() + " (and .md); the members' logs: " + logDir);
        System.exit(runs.stream().anyMatch(r -> r.failure != null) ? 1 : 0);
    }

    /** Measures every configured system; a system that fails is reported, the others still run. */
    public List<SustainedRun> run() {
        List<SustainedRun> runs = new ArrayList<>();
        try (ProcessSupervisor supervisor = new ProcessSupervisor();
             LoadGenerator generator = new LoadGenerator(settings.valueBytes())) {
            for (String system : settings.systems()) {
                SustainedRun run = new SustainedRun(system);
                runs.add(run);
                try (LocalCluster cluster = create(system, supervisor)) {
                    try {
                        measure(cluster, generator, run);
                    } finally {
                        cluster.copyLogsTo(logDir);
                        run.logDir = logDir.toString();
                    }
                } catch (RuntimeException e) {
                    run.failure = e.getMessage() == null ? e.toString() : e.getMessage();
                    System.err.println("[" + system + "] FAILED: " + run.failure);
                }
                Benchmark.log(system, "stopped");
            }
        }
        return runs;
    }

    private LocalCluster create(String system, ProcessSupervisor supervisor) {
        return switch (system) {
            case "etcd" -> settings.etcd() != null
                    ? new EtcdCluster(supervisor, settings.etcd())
                    : new EtcdCluster(supervisor, settings.installEtcd());
            case "golt" -> new GoltCluster(supervisor, settings.repoRoot());
            default -> throw new IllegalArgumentException(system);
        };
    }

    private void measure(LocalCluster cluster, LoadGenerator generator, SustainedRun run) {
        String system = cluster.system();
        run.version = cluster.version();
        Benchmark.log(system, "starting 3 members (" + run.version + ")");
        cluster.start();
        Map<String, Long> pids = cluster.pids();
        Endpoint leader = cluster.leader();
        run.leaderAtStart = leader.memberId();
        Benchmark.log(system, "leader " + leader + ", pids " + pids);
        Map<String, Double> windowCpu;
        // Warm-up and window are one load without a break: new connections or a pause before the
        // window would make its first seconds unlike the rest.
        try (LoadGenerator.RunningCell cell = generator.start(cluster.api(), leader, Workload.WRITE_LEADER,
                settings.clients(), KEY_PREFIX, List.of())) {
            if (!settings.systemWarmup().isZero()) {
                Benchmark.log(system, String.format(Locale.ROOT, "warming up: %.0f s of the same writes at %d clients, unmeasured",
                        settings.systemWarmup().toMillis() / 1000.0, settings.clients()));
                LoadGenerator.sleep(settings.systemWarmup());
            }
            windowCpu = measureWindow(system, cell, pids, run);
        }
        run.leaderAtEnd = cluster.leader().memberId();
        pids.forEach((member, pid) -> run.members.put(member,
                new SystemRun.MemberUsage(pid, ProcStats.residentMiB(pid), windowCpu.get(member))));
        Benchmark.log(system, String.format(Locale.ROOT,
                "window over: %.1f ops/s, p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms, %d errors, per second min %.0f / median %.0f / max %.0f ops/s, "
                        + "%d s below half the median; leader %s at the start, %s at the end; members %s",
                run.opsPerSecond(), run.percentileMillis(50), run.percentileMillis(99), run.percentileMillis(99.9),
                run.maxMillis(), run.series.errors(), run.series.minOpsPerSecond(), run.series.medianOpsPerSecond(),
                run.series.maxOpsPerSecond(), run.series.belowHalfMedian().size(), run.leaderAtStart, run.leaderAtEnd,
                run.members));
    }

    /** Samples the running load once a second for the whole window; returns each member's CPU seconds in it. */
    private Map<String, Double> measureWindow(String system, LoadGenerator.RunningCell cell, Map<String, Long> pids,
                                              SustainedRun run) {
        Map<String, Double> memberCpu0 = new LinkedHashMap<>();
        pids.forEach((member, pid) -> memberCpu0.put(member, ProcStats.cpuSeconds(pid)));
        double gen0 = ProcStats.cpuSeconds(ProcessHandle.current().pid());
        Sampler sampler = new Sampler(system, cell, List.copyOf(pids.values()), run, settings.windowSeconds());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sustained-sampler");
            t.setDaemon(true);
            return t;
        });
        try {
            // At a fixed rate, a late tick is followed by an early one: the seconds stay on the grid
            // of the window's start, so offset s is s seconds after it in the members' logs.
            timer.scheduleAtFixedRate(sampler::tick, 0, 1, TimeUnit.SECONDS);
            long limit = settings.windowSeconds() + 60L;
            if (!sampler.done.await(limit, TimeUnit.SECONDS)) {
                throw new IllegalStateException(system + ": the per-second sampler fell behind, " + sampler.secondsTaken()
                        + " of " + settings.windowSeconds() + " s after " + limit + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sampler.failure != null) {
            throw sampler.failure;
        }
        run.generatorCpuSeconds = ProcStats.cpuSeconds(ProcessHandle.current().pid()) - gen0;
        Map<String, Double> cpu = new LinkedHashMap<>();
        pids.forEach((member, pid) -> cpu.put(member, ProcStats.cpuSeconds(pid) - memberCpu0.get(member)));
        run.serverCpuSeconds = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        return cpu;
    }

    /**
     * Runs on the timer thread: the first tick opens the window (the warm-up's interval is thrown
     * away), every later one closes a second. The main thread reads the run only after {@link #done}.
     */
    private static final class Sampler {
        final String system;
        final LoadGenerator.RunningCell cell;
        final List<Long> pids;
        final SustainedRun run;
        final int seconds;
        final CountDownLatch done = new CountDownLatch(1);
        volatile RuntimeException failure;
        private volatile int taken;
        private boolean started;
        private long start;
        private long previous;
        private double previousCpu;
        private long previousGc;
        private final Histogram progress = new Histogram(3);
        private long progressStart;
        private long progressErrors;

        Sampler(String system, LoadGenerator.RunningCell cell, List<Long> pids, SustainedRun run, int seconds) {
            this.system = system;
            this.cell = cell;
            this.pids = pids;
            this.run = run;
            this.seconds = seconds;
        }

        int secondsTaken() {
            return taken;
        }

        void tick() {
            if (done.getCount() == 0) {
                return;
            }
            try {
                long now = System.nanoTime();
                if (!started) {
                    cell.interval();
                    run.windowStartEpochMillis = System.currentTimeMillis();
                    start = now;
                    previous = now;
                    progressStart = now;
                    previousCpu = ProcStats.cpuSeconds(pids);
                    previousGc = gcMillis();
                    started = true;
                    Benchmark.log(system, "window started at " + Instant.ofEpochMilli(run.windowStartEpochMillis)
                            + " (UTC): " + seconds + " s, measured second by second");
                    return;
                }
                LoadGenerator.Interval interval = cell.interval();
                double cpu = ProcStats.cpuSeconds(pids);
                long gc = gcMillis();
                int offset = run.series.size();
                run.series.add(PerSecondSeries.Second.of(offset, (now - previous) / 1e9, interval.latencyNanos(),
                        interval.errors(), cpu - previousCpu, gc - previousGc));
                run.latencyNanos.add(interval.latencyNanos());
                progress.add(interval.latencyNanos());
                progressErrors += interval.errors();
                previous = now;
                previousCpu = cpu;
                previousGc = gc;
                taken = offset + 1;
                if (taken % PROGRESS_EVERY_SECONDS == 0 || taken == seconds) {
                    logProgress(now);
                }
                if (taken == seconds) {
                    run.windowSeconds = (now - start) / 1e9;
                    done.countDown();
                }
            } catch (RuntimeException e) {
                failure = e;
                done.countDown();
            }
        }

        /** One line per ten seconds, so that a long run shows its stalls as they happen. */
        private void logProgress(long now) {
            List<PerSecondSeries.Second> all = run.series.seconds();
            int from = (taken - 1) / PROGRESS_EVERY_SECONDS * PROGRESS_EVERY_SECONDS;
            PerSecondSeries.Second thinnest = all.subList(from, taken).stream()
                    .min(java.util.Comparator.comparingDouble(PerSecondSeries.Second::opsPerSecond)).orElseThrow();
            boolean any = progress.getTotalCount() > 0;
            Benchmark.log(system, String.format(Locale.ROOT,
                    "window %d/%d s: %.0f ops/s, p99 %.2f ms, max %.2f ms, %d errors; thinnest second %d: %d ops, max %.2f ms",
                    taken, seconds, progress.getTotalCount() / ((now - progressStart) / 1e9),
                    any ? progress.getValueAtPercentile(99) / 1e6 : Double.NaN, any ? progress.getMaxValue() / 1e6 : Double.NaN,
                    progressErrors, thinnest.offset(), thinnest.ops(), thinnest.maxMillis()));
            progress.reset();
            progressStart = now;
            progressErrors = 0;
        }

        /** Garbage-collection time of this JVM (the load generator's) so far, ms. */
        private static long gcMillis() {
            long sum = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                sum += Math.max(0, gc.getCollectionTime());
            }
            return sum;
        }
    }
}
