package dev.golt.bench;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives a 3-member etcd cluster and then a 3-node Golt cluster through the same etcd v3 gRPC API
 * with etcd's own {@code benchmark} tool (put, range linearizable and serializable, txn-put,
 * watch-latency at several client counts), then checks what 10,000 kept-alive leases cost the
 * leader; prints the side-by-side table. Entry point of {@code bench/etcd-api.sh}.
 */
public final class ApiBenchmark {

    private final ApiBenchSettings settings;
    private final Path logDir;

    public ApiBenchmark(ApiBenchSettings settings, Path logDir) {
        this.settings = settings;
        this.logDir = logDir;
    }

    public static void main(String[] args) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        ApiBenchSettings settings;
        try {
            settings = ApiBenchSettings.parse(args, Path.of("bench", "results", "etcd-api-" + stamp + ".json"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path logDir = settings.repoRoot().resolve("bench/target/etcd-api-logs/" + stamp).toAbsolutePath().normalize();
        ApiBenchmark bench = new ApiBenchmark(settings, logDir);
        List<ApiRun> runs;
        String toolVersion;
        try {
            toolVersion = new EtcdBenchmarkTool(settings.toolBinary(), null).version();
            runs = bench.run();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        ApiReport report = new ApiReport(settings, toolVersion + " (" + settings.toolBinary() + ")", runs);
        System.out.println();
        System.out.println(report.markdown());
        report.write();
        System.out.println("results: " + settings.out().toAbsolutePath() + " (and .md); the tool's output: " + logDir);
        long failedCells = runs.stream().flatMap(r -> r.cells.stream()).filter(c -> !c.ok()).count();
        if (failedCells > 0) {
            System.out.println(failedCells + " cell(s) failed: see the errors under the table");
        }
        System.exit(runs.stream().anyMatch(r -> r.failure != null) ? 1 : 0);
    }

    /** Measures every configured system; a system that fails is reported, the others still run. */
    public List<ApiRun> run() {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ApiRun> runs = new ArrayList<>();
        try (ProcessSupervisor supervisor = new ProcessSupervisor()) {
            EtcdBenchmarkTool tool = new EtcdBenchmarkTool(settings.toolBinary(), supervisor);
            for (String system : settings.systems()) {
                ApiRun run = new ApiRun(system);
                runs.add(run);
                for (int attempt = 1; attempt <= 2; attempt++) {
                    try (LocalCluster cluster = create(system, supervisor, run)) {
                        measure(cluster, tool, run);
                        break;
                    } catch (StartFailure e) {
                        // e.g. a port taken by another process between the probe and the member's bind
                        run.failure = e.getMessage();
                        System.err.println("[" + system + "] could not start: " + run.failure);
                        if (attempt == 1) {
                            log(system, "starting again on new ports and data");
                            run.failure = null;
                        }
                    } catch (RuntimeException e) {
                        run.failure = e.getMessage() == null ? e.toString() : e.getMessage();
                        System.err.println("[" + system + "] FAILED: " + run.failure);
                        break;
                    }
                }
                log(system, "stopped");
            }
        }
        return runs;
    }

    private LocalCluster create(String system, ProcessSupervisor supervisor, ApiRun run) {
        return switch (system) {
            case "etcd" -> {
                Path etcd = settings.etcdBinary();
                run.binary = etcd.toString();
                yield new EtcdCluster(supervisor, etcd);
            }
            case "golt" -> {
                run.binary = settings.repoRoot().resolve("bin/golt-node").toAbsolutePath().normalize().toString();
                yield new GoltCluster(supervisor, settings.repoRoot(), true);
            }
            default -> throw new IllegalArgumentException(system);
        };
    }

    private void measure(LocalCluster cluster, EtcdBenchmarkTool tool, ApiRun run) {
        String system = cluster.system();
        run.version = cluster.version();
        log(system, "starting 3 members (" + run.version + ", " + run.binary + ")");
        long launched = System.nanoTime();
        try {
            cluster.start();
        } catch (RuntimeException e) {
            throw new StartFailure(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        run.startSeconds = (System.nanoTime() - launched) / 1e9;
        run.grpcEndpoints.putAll(cluster.grpcEndpoints());
        Map<String, Long> pids = cluster.pids();
        List<Long> pidList = List.copyOf(pids.values());
        Endpoint leader = cluster.leader();
        run.leader = leader.memberId();
        log(system, "leader " + leader.memberId() + ", gRPC endpoints " + run.grpcEndpoints + ", pids " + pids);

        putRangeKey(run.grpcEndpoints.get(leader.memberId()), Duration.ofSeconds(30));
        log(system, "wrote " + ApiWorkload.RANGE_KEY + " (" + ApiWorkload.VALUE_BYTES + " bytes) for the range workloads");

        if (settings.warmupScale() > 0) {
            int clients = Math.min(100, settings.clients().stream().max(Integer::compare).orElseThrow());
            log(system, "warming up: every workload once at " + clients + " clients, "
                    + Math.round(settings.warmupScale() * 100) + " % of its total, unmeasured");
            for (ApiWorkload w : settings.workloads()) {
                int total = (int) Math.max(10, Math.round(settings.total(w, clients) * settings.warmupScale()));
                EtcdBenchmarkTool.Run r = tool.run(w.toolArgs(endpoints(cluster, run), clients, total, settings.putRate()),
                        settings.cellTimeout(), settings.stallTimeout(), logDir.resolve(system + "-warmup-" + w.cliName()));
                log(system, String.format(Locale.ROOT, "warm-up %-14s %.1f s%s", w.cliName(), r.wallSeconds(),
                        r.error() == null ? "" : "  (" + r.error() + ")"));
            }
        }

        for (int repeat = 1; repeat <= settings.repeats(); repeat++) {
            for (ApiWorkload w : settings.workloads()) {
                for (int clients : settings.clients()) {
                    Endpoint current = cluster.leader();
                    String member = settings.allEndpoints() ? "all" : current.memberId();
                    String endpoints = endpoints(cluster, run);
                    int total = settings.total(w, clients);
                    long leaderPid = pids.get(current.memberId());
                    double cpu0 = ProcStats.cpuSeconds(pidList);
                    double lcpu0 = ProcStats.cpuSeconds(leaderPid);
                    EtcdBenchmarkTool.Run r = tool.run(w.toolArgs(endpoints, clients, total, settings.putRate()),
                            settings.cellTimeout(), settings.stallTimeout(),
                            logDir.resolve(system + "-" + w.cliName() + "-c" + clients + "-r" + repeat));
                    ApiRun.Cell cell = new ApiRun.Cell(w, clients, ApiWorkload.conns(clients), total, repeat, member,
                            endpoints, r, ProcStats.cpuSeconds(pidList) - cpu0, ProcStats.cpuSeconds(leaderPid) - lcpu0);
                    run.cells.add(cell);
                    log(system, describe(cell));
                }
            }
        }

        if (settings.leases() > 0) {
            Endpoint current = cluster.leader();
            log(system, "lease check: " + settings.leases() + " leases on " + current.memberId() + ", TTL "
                    + settings.leaseTtlSeconds() + " s, leader CPU over " + settings.leaseIdle().toSeconds() + " s idle, then "
                    + settings.leaseWindow().toSeconds() + " s with the leases kept alive");
            run.lease = LeaseKeepAliveCheck.run(current.memberId(), run.grpcEndpoints.get(current.memberId()),
                    pids.get(current.memberId()), pidList, settings.leases(), settings.leaseTtlSeconds(), settings.leaseIdle(),
                    settings.leaseWindow(), () -> cluster.leader().memberId(), m -> log(system, m));
            LeaseKeepAliveCheck.Result l = run.lease;
            log(system, String.format(Locale.ROOT, "lease check: %d leases, %.0f keep-alives/s answered, leader CPU %.3f cores idle,"
                            + " %.3f with the leases; RSS %.0f -> %.0f MiB; %d stream(s) reopened%s%s", l.granted(),
                    l.keepAlivesPerSecond(), l.idleLeaderCores(), l.leaderCores(), l.leaderRssBeforeMiB(), l.leaderRssAfterMiB(),
                    l.streamRestarts(), l.streamError() == null ? "" : " (first failure: " + l.streamError() + ")",
                    l.error() == null ? "" : "  ERROR " + l.error()));
        }

        pids.forEach((member, pid) -> run.members.put(member,
                new SystemRun.MemberUsage(pid, ProcStats.residentMiB(pid), ProcStats.cpuSeconds(pid))));
        log(system, "members at the end: " + run.members);
    }

    private String endpoints(LocalCluster cluster, ApiRun run) {
        if (settings.allEndpoints()) {
            return String.join(",", run.grpcEndpoints.values());
        }
        return run.grpcEndpoints.get(cluster.leader().memberId());
    }

    private static String describe(ApiRun.Cell c) {
        String head = String.format(Locale.ROOT, "repeat %d %-14s %4d clients %3d conns total %6d on %s:", c.repeat(),
                c.workload().cliName(), c.clients(), c.conns(), c.total(), c.member());
        if (!c.ok()) {
            return head + " FAILED after " + String.format(Locale.ROOT, "%.1f s", c.run().wallSeconds()) + ": " + c.error();
        }
        ToolSummary s = c.summary();
        return head + String.format(Locale.ROOT, " %9.1f req/s  avg %7.2f  p50 %7.2f  p99 %7.2f ms  errors %d  server cpu %.1f s",
                s.requestsPerSecond(), s.averageMillis(), s.percentileMillis(50), s.percentileMillis(99), s.errorCount(),
                c.serverCpuSeconds());
    }

    /** Writes the key the range workloads read, through the gRPC API, retrying until the cluster takes it. */
    static void putRangeKey(String hostPort, Duration timeout) {
        int colon = hostPort.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))).usePlaintext().build();
        byte[] value = new byte[ApiWorkload.VALUE_BYTES];
        Arrays.fill(value, (byte) 'v');
        PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFrom(ApiWorkload.RANGE_KEY, StandardCharsets.US_ASCII))
                .setValue(ByteString.copyFrom(value)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        try {
            while (System.nanoTime() < deadline) {
                try {
                    KVGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS).put(put);
                    return;
                } catch (RuntimeException e) {
                    last = e;
                    LocalCluster.sleep(200);
                }
            }
            throw new IllegalStateException("cannot write " + ApiWorkload.RANGE_KEY + " through gRPC on " + hostPort
                    + " within " + timeout.toSeconds() + " s: " + last);
        } finally {
            channel.shutdownNow();
        }
    }

    /** The cluster did not come up: worth one more try on fresh ports before the system is reported failed. */
    private static final class StartFailure extends RuntimeException {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final long STARTED = System.nanoTime();

    static void log(String system, String message) {
        System.out.printf(Locale.ROOT, "[%s +%.1fs] %s%n", system, (System.nanoTime() - STARTED) / 1e9, message);
    }
}
