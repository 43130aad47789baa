package dev.golt.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The etcd-API benchmark's side-by-side table (Markdown) and JSON result file. With several
 * repeats, each number is the median over the repeats of that cell that succeeded, per column.
 */
public final class ApiReport {

    private final ApiBenchSettings settings;
    private final String tool;
    private final List<ApiRun> runs;
    private final String date = ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

    public ApiReport(ApiBenchSettings settings, String tool, List<ApiRun> runs) {
        this.settings = settings;
        this.tool = tool;
        this.runs = runs;
    }

    private Optional<ApiRun> run(String system) {
        return runs.stream().filter(r -> r.system.equals(system)).findFirst();
    }

    private List<ApiRun.Cell> cells(String system, ApiWorkload w, int clients) {
        return run(system).map(r -> r.cells(w, clients)).orElse(List.of());
    }

    private static double median(List<ApiRun.Cell> cells, ToDoubleFunction<ApiRun.Cell> column) {
        double[] v = cells.stream().filter(ApiRun.Cell::ok).mapToDouble(column).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The first error of a cell none of whose repeats succeeded, else null. */
    private static String failure(List<ApiRun.Cell> cells) {
        if (cells.isEmpty() || cells.stream().anyMatch(ApiRun.Cell::ok)) {
            return null;
        }
        return cells.getFirst().error();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        JsonObject machine = Report.machine();
        sb.append("Date: ").append(date).append(". Machine: ").append(machine.getInteger("cores")).append(" cores (")
                .append(machine.getString("cpu")).append("), Linux ").append(machine.getString("kernel")).append(".\n");
        sb.append("- load: ").append(tool).append(", built from the Go module proxy by compat/build-etcd-benchmark.sh\n");
        for (ApiRun r : runs) {
            sb.append("- ").append(r.system).append(": ").append(r.version)
                    .append(r.failure == null ? "" : " — FAILED: " + r.failure.lines().findFirst().orElse("")).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "- 3 members each on loopback, fsync on (both systems' defaults); the tool talks to %s; "
                        + "gRPC connections min(clients, %d); %d-byte values, %d-byte keys; %s; %s; "
                        + "tool and servers share the same cores.%n%n",
                settings.allEndpoints() ? "all three members" : "the leader", ApiWorkload.MAX_CONNS, ApiWorkload.VALUE_BYTES,
                ApiWorkload.KEY_BYTES,
                settings.warmupScale() > 0 ? "each system warmed up first (every workload once, unmeasured)" : "no warm-up",
                settings.repeats() == 1 ? "1 run per cell" : "median of " + settings.repeats() + " runs per cell"));
        sb.append("| workload | clients | conns | total | etcd req/s | Golt req/s | Golt/etcd | etcd avg / p50 / p99 ms "
                + "| Golt avg / p50 / p99 ms | p99 Golt/etcd | errors etcd / Golt | server CPU s etcd / Golt |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        List<String> errors = new ArrayList<>();
        for (ApiWorkload w : settings.workloads()) {
            for (int c : settings.clients()) {
                List<ApiRun.Cell> e = cells("etcd", w, c);
                List<ApiRun.Cell> g = cells("golt", w, c);
                if (e.isEmpty() && g.isEmpty()) {
                    continue;
                }
                double eRps = median(e, x -> x.summary().requestsPerSecond());
                double gRps = median(g, x -> x.summary().requestsPerSecond());
                double eP99 = median(e, x -> x.summary().percentileMillis(99));
                double gP99 = median(g, x -> x.summary().percentileMillis(99));
                int total = settings.total(w, c);
                String totalText = w == ApiWorkload.WATCH_LATENCY
                        ? String.format(Locale.ROOT, "%d puts × %d watchers", total, ApiWorkload.streams(c) * ApiWorkload.watchersPerStream(c))
                        : Integer.toString(total);
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |%n",
                        w.label(), c, ApiWorkload.conns(c), totalText, rps(e, eRps), rps(g, gRps), ratio(gRps, eRps),
                        latencies(e), latencies(g), ratio(gP99, eP99),
                        num(median(e, x -> x.summary().errorCount()), 0), num(median(g, x -> x.summary().errorCount()), 0),
                        num(median(e, ApiRun.Cell::serverCpuSeconds), 1), num(median(g, ApiRun.Cell::serverCpuSeconds), 1)));
            }
        }
        for (ApiRun r : runs) {
            for (ApiRun.Cell c : r.cells) {
                if (!c.ok()) {
                    errors.add(String.format(Locale.ROOT, "- %s, %s, %d clients, repeat %d: %s", r.system, c.workload().cliName(),
                            c.clients(), c.repeat(), c.error()));
                }
            }
        }
        if (settings.workloads().contains(ApiWorkload.WATCH_LATENCY)) {
            sb.append(String.format(Locale.ROOT, "%nwatch-latency: the clients are watchers of one key (in min(clients, %d) streams); "
                    + "one more client puts the key %d times a second; req/s is watch events received per second over the run, "
                    + "latency runs from each Put's response to the event's arrival at each watcher.%n", ApiWorkload.MAX_STREAMS,
                    settings.putRate()));
        }
        if (!errors.isEmpty()) {
            sb.append("\nFailed cells:\n");
            errors.forEach(e -> sb.append(e).append('\n'));
        }
        appendLeases(sb);
        sb.append("\n| member | resident memory at end (MiB) | CPU seconds over the whole run |\n|---|--:|--:|\n");
        for (ApiRun r : runs) {
            r.members.forEach((id, u) -> sb.append(String.format(Locale.ROOT, "| %s %s | %.0f | %.1f |%n",
                    r.system, id, u.residentMiB(), u.cpuSeconds())));
        }
        return sb.toString();
    }

    private void appendLeases(StringBuilder sb) {
        Optional<LeaseKeepAliveCheck.Result> e = run("etcd").map(r -> r.lease);
        Optional<LeaseKeepAliveCheck.Result> g = run("golt").map(r -> r.lease);
        if (e.isEmpty() && g.isEmpty()) {
            return;
        }
        int ttl = e.or(() -> g).map(LeaseKeepAliveCheck.Result::ttlSeconds).orElse(0);
        sb.append(String.format(Locale.ROOT, "%n| lease check: leases kept alive on the leader (TTL %d s, each kept alive every %.0f s, "
                + "%d LeaseKeepAlive streams) | etcd | Golt |%n|---|--:|--:|%n", ttl, ttl / 3.0, LeaseKeepAliveCheck.STREAMS));
        leaseRow(sb, "leases granted", e, g, r -> Integer.toString(r.granted()));
        leaseRow(sb, "grant time, s (one LeaseGrant per lease, 128 in flight)", e, g, r -> num(r.grantSeconds(), 1));
        leaseRow(sb, "keep-alives answered per second in the window", e, g, r -> num(r.keepAlivesPerSecond(), 0));
        leaseRow(sb, "leader CPU idle, before any lease (cores)", e, g, r -> num(r.idleLeaderCores(), 3));
        leaseRow(sb, "leader CPU with the leases kept alive (cores)", e, g, r -> num(r.leaderCores(), 3));
        leaseRow(sb, "leader CPU per 1,000 leases, over idle (cores)", e, g, r -> num(r.leaderCoresPerThousand(), 4));
        leaseRow(sb, "3 members' CPU idle / with the leases (cores)", e, g,
                r -> num(r.idleClusterCores(), 3) + " / " + num(r.clusterCores(), 3));
        leaseRow(sb, "leader resident memory before / after (MiB)", e, g,
                r -> num(r.leaderRssBeforeMiB(), 0) + " / " + num(r.leaderRssAfterMiB(), 0));
        leaseRow(sb, "keep-alive streams failed and opened again", e, g,
                r -> r.streamRestarts() == 0 ? "0" : r.streamRestarts() + " (first: " + cellText(r.streamError(), 60) + ")");
        leaseRow(sb, "errors", e, g, r -> r.error() == null ? "none" : cellText(r.error(), 80));
    }

    private static void leaseRow(StringBuilder sb, String label, Optional<LeaseKeepAliveCheck.Result> e,
                                 Optional<LeaseKeepAliveCheck.Result> g,
                                 java.util.function.Function<LeaseKeepAliveCheck.Result, String> value) {
        sb.append("| ").append(label).append(" | ").append(e.map(value).orElse("–")).append(" | ")
                .append(g.map(value).orElse("–")).append(" |\n");
    }

    private static String rps(List<ApiRun.Cell> cells, double rps) {
        String failure = failure(cells);
        if (failure != null) {
            return "error: " + cellText(failure, 70);
        }
        return num(rps, 0);
    }

    private static String cellText(String s, int max) {
        String one = s.lines().findFirst().orElse("").replace("|", "\\|");
        return one.length() > max ? one.substring(0, max) + "…" : one;
    }

    private static String latencies(List<ApiRun.Cell> cells) {
        return num(median(cells, c -> c.summary().averageMillis()), 2) + " / "
                + num(median(cells, c -> c.summary().percentileMillis(50)), 2) + " / "
                + num(median(cells, c -> c.summary().percentileMillis(99)), 2);
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String ratio(double golt, double etcd) {
        return Double.isNaN(golt) || Double.isNaN(etcd) || etcd == 0 ? "–" : String.format(Locale.ROOT, "%.2fx", golt / etcd);
    }

    public JsonObject json() {
        JsonObject settingsJson = new JsonObject()
                .put("systems", new JsonArray(new ArrayList<>(settings.systems())))
                .put("workloads", new JsonArray(settings.workloads().stream().map(ApiWorkload::cliName).toList()))
                .put("clients", new JsonArray(new ArrayList<>(settings.clients())))
                .put("fixedTotal", settings.fixedTotal() > 0 ? settings.fixedTotal() : null)
                .put("scale", settings.scale())
                .put("putRate", settings.putRate())
                .put("repeats", settings.repeats())
                .put("warmupScale", settings.warmupScale())
                .put("endpoints", settings.allEndpoints() ? "all" : "leader")
                .put("valueBytes", ApiWorkload.VALUE_BYTES)
                .put("keyBytes", ApiWorkload.KEY_BYTES)
                .put("maxConns", ApiWorkload.MAX_CONNS)
                .put("leases", settings.leases())
                .put("leaseTtlSeconds", settings.leaseTtlSeconds())
                .put("leaseWindowSeconds", settings.leaseWindow().toMillis() / 1000.0)
                .put("smoke", settings.smoke());
        JsonArray systems = new JsonArray();
        for (ApiRun r : runs) {
            JsonArray cells = new JsonArray();
            for (ApiRun.Cell c : r.cells) {
                cells.add(cellJson(c));
            }
            JsonArray medians = new JsonArray();
            for (ApiWorkload w : settings.workloads()) {
                for (int c : settings.clients()) {
                    List<ApiRun.Cell> cs = r.cells(w, c);
                    if (cs.isEmpty()) {
                        continue;
                    }
                    medians.add(new JsonObject().put("workload", w.cliName()).put("clients", c)
                            .put("succeeded", cs.stream().filter(ApiRun.Cell::ok).count()).put("of", cs.size())
                            .put("error", failure(cs))
                            .put("requestsPerSecond", round(median(cs, x -> x.summary().requestsPerSecond())))
                            .put("averageMs", round(median(cs, x -> x.summary().averageMillis())))
                            .put("p50Ms", round(median(cs, x -> x.summary().percentileMillis(50))))
                            .put("p99Ms", round(median(cs, x -> x.summary().percentileMillis(99))))
                            .put("p999Ms", round(median(cs, x -> x.summary().percentileMillis(99.9))))
                            .put("serverCpuSeconds", round(median(cs, ApiRun.Cell::serverCpuSeconds))));
                }
            }
            JsonArray members = new JsonArray();
            r.members.forEach((id, u) -> members.add(new JsonObject().put("id", id).put("pid", u.pid())
                    .put("residentMiB", round(u.residentMiB())).put("cpuSeconds", round(u.cpuSeconds()))));
            systems.add(new JsonObject().put("system", r.system).put("version", r.version).put("binary", r.binary)
                    .put("failure", r.failure).put("startSeconds", round(r.startSeconds)).put("leader", r.leader)
                    .put("grpcEndpoints", new JsonObject(new LinkedHashMap<>(r.grpcEndpoints)))
                    .put("medians", medians).put("runs", cells).put("lease", leaseJson(r.lease)).put("members", members));
        }
        return new JsonObject().put("date", date).put("machine", Report.machine()).put("tool", tool)
                .put("settings", settingsJson).put("systems", systems);
    }

    private static JsonObject cellJson(ApiRun.Cell c) {
        JsonObject j = new JsonObject()
                .put("workload", c.workload().cliName())
                .put("clients", c.clients())
                .put("conns", c.conns())
                .put("total", c.total())
                .put("repeat", c.repeat())
                .put("member", c.member())
                .put("command", new JsonArray(new ArrayList<>(c.run().command())))
                .put("exitCode", c.run().exitCode())
                .put("wallSeconds", round(c.run().wallSeconds()))
                .put("error", c.error())
                .put("serverCpuSeconds", round(c.serverCpuSeconds()))
                .put("leaderCpuSeconds", round(c.leaderCpuSeconds()))
                .put("summary", summaryJson(c.summary()))
                .put("toolStdout", c.run().stdout());
        if (c.workload() == ApiWorkload.WATCH_LATENCY) {
            j.put("putSummary", summaryJson(c.putSummary()));
        }
        return j;
    }

    private static JsonObject summaryJson(ToolSummary s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> pct = new LinkedHashMap<>();
        s.percentileSeconds().forEach((p, v) -> pct.put("p" + (p % 1 == 0 ? Integer.toString(p.intValue()) : p.toString()),
                round(v * 1000)));
        return new JsonObject()
                .put("title", s.title())
                .put("requestsPerSecond", round(s.requestsPerSecond()))
                .put("totalSeconds", round(s.totalSeconds()))
                .put("averageMs", round(s.averageSeconds() * 1000))
                .put("fastestMs", round(s.fastestSeconds() * 1000))
                .put("slowestMs", round(s.slowestSeconds() * 1000))
                .put("stddevMs", round(s.stddevSeconds() * 1000))
                .put("percentilesMs", new JsonObject(pct))
                .put("errors", s.errorCount())
                .put("errorDistribution", new JsonObject(new LinkedHashMap<>(s.errors())));
    }

    private static JsonObject leaseJson(LeaseKeepAliveCheck.Result l) {
        if (l == null) {
            return null;
        }
        return new JsonObject()
                .put("leases", l.leases()).put("granted", l.granted()).put("ttlSeconds", l.ttlSeconds())
                .put("grantSeconds", round(l.grantSeconds())).put("windowSeconds", round(l.windowSeconds()))
                .put("idleLeaderCores", round(l.idleLeaderCores())).put("leaderCores", round(l.leaderCores()))
                .put("leaderCoresPerThousandLeases", round(l.leaderCoresPerThousand()))
                .put("idleClusterCores", round(l.idleClusterCores())).put("clusterCores", round(l.clusterCores()))
                .put("keepAlivesSent", l.keepAlivesSent()).put("keepAlivesAnswered", l.keepAlivesAnswered())
                .put("expired", l.expired())
                .put("streamRestarts", l.streamRestarts()).put("streamError", l.streamError())
                .put("leaderRssBeforeMiB", round(l.leaderRssBeforeMiB())).put("leaderRssAfterMiB", round(l.leaderRssAfterMiB()))
                .put("error", l.error());
    }

    private static Double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
    }

    /** Writes the JSON result file and the Markdown table next to it. */
    public void write() {
        Report.writeFiles(settings.out(), json(), markdown());
    }
}
