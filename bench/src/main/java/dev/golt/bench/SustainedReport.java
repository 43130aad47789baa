package dev.golt.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The sustained benchmark's side-by-side table (Markdown) and its JSON result file, which carries
 * the full per-second series of each system and the wall-clock time of its window's start, so that
 * a slow second can be looked up in the members' logs.
 */
public final class SustainedReport {

    /** How many seconds the table lists as the worst by maximum latency. */
    static final int WORST = 5;
    /** More seconds below half the median than this are only in the JSON. */
    private static final int LISTED_BELOW_HALF = 20;

    private final SustainedSettings settings;
    private final List<SustainedRun> runs;
    private final String date = ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

    public SustainedReport(SustainedSettings settings, List<SustainedRun> runs) {
        this.settings = settings;
        this.runs = runs;
    }

    private Optional<SustainedRun> run(String system) {
        return runs.stream().filter(r -> r.system.equals(system)).findFirst();
    }

    private double of(String system, Function<SustainedRun, Double> value) {
        return run(system).filter(r -> r.failure == null).map(value).orElse(Double.NaN);
    }

    public String markdown() {
        JsonObject machine = Report.machine();
        StringBuilder sb = new StringBuilder();
        sb.append("Date: ").append(date).append(". Machine: ").append(machine.getInteger("cores")).append(" cores (")
                .append(machine.getString("cpu")).append("), Linux ").append(machine.getString("kernel"))
                .append(", ").append(machine.getString("java")).append(".\n");
        for (SustainedRun r : runs) {
            sb.append("- ").append(r.system).append(": ").append(r.version);
            if (r.failure != null) {
                sb.append(" — FAILED: ").append(r.failure.lines().findFirst().orElse(""));
            } else {
                sb.append("; writes to ").append(r.leaderAtStart).append(" (the leader at the start), leader at the end ")
                        .append(r.leaderAtEnd).append("; window started ").append(Instant.ofEpochMilli(r.windowStartEpochMillis));
            }
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "- Sustained writes to the leader: %d closed-loop clients, one keep-alive HTTP/1.1 "
                        + "connection each, unique keys, %d-byte values; %d s unmeasured warm-up of the same writes, then one %d s "
                        + "window measured second by second (a request counts in the second its answer arrived); load generator "
                        + "on the same cores.%n%n",
                settings.clients(), settings.valueBytes(), settings.systemWarmup().toSeconds(), settings.windowSeconds()));

        sb.append("| whole window | etcd | Golt | Golt/etcd |\n|---|--:|--:|--:|\n");
        row(sb, "ops/s", SustainedRun::opsPerSecond, 0, true);
        row(sb, "p50 ms", r -> r.percentileMillis(50), 2, true);
        row(sb, "p99 ms", r -> r.percentileMillis(99), 2, true);
        row(sb, "p99.9 ms", r -> r.percentileMillis(99.9), 2, true);
        row(sb, "max ms", SustainedRun::maxMillis, 2, true);
        row(sb, "errors", r -> (double) r.series.errors(), 0, false);
        sb.append("| ops/s per second: min / median / max | ").append(perSecond("etcd")).append(" | ").append(perSecond("golt"))
                .append(" | ").append(Report.ratio(of("golt", r -> r.series.medianOpsPerSecond()),
                        of("etcd", r -> r.series.medianOpsPerSecond()))).append(" |\n");
        sb.append("| seconds below half the median ops/s | ").append(belowHalfCount("etcd")).append(" | ")
                .append(belowHalfCount("golt")).append(" | |\n");
        row(sb, "server CPU s (3 members)", r -> r.serverCpuSeconds, 1, true);
        sb.append("| resident memory at the end, MiB (per member) | ").append(memory("etcd")).append(" | ")
                .append(memory("golt")).append(" | |\n");
        row(sb, "load generator CPU s", r -> r.generatorCpuSeconds, 1, false);

        String verdict = verdict();
        if (!verdict.isEmpty()) {
            sb.append('\n').append(verdict).append('\n');
        }

        sb.append("\nSeconds below half the median ops/s (offset: seconds from the window's start):\n\n")
                .append("| system | offset s | ops | errors | max ms | servers' CPU s | generator GC ms |\n|---|--:|--:|--:|--:|--:|--:|\n");
        for (SustainedRun r : measured()) {
            List<PerSecondSeries.Second> below = r.series.belowHalfMedian();
            if (below.isEmpty()) {
                sb.append("| ").append(r.system).append(" | none | | | | | |\n");
            }
            below.stream().limit(LISTED_BELOW_HALF).forEach(s -> sb.append(String.format(Locale.ROOT,
                    "| %s | %d | %d | %d | %s | %s | %d |%n", r.system, s.offset(), s.ops(), s.errors(),
                    Report.num(s.maxMillis(), 2), Report.num(s.serverCpuSeconds(), 2), s.generatorGcMillis())));
            if (below.size() > LISTED_BELOW_HALF) {
                sb.append("| ").append(r.system).append(" | … ").append(below.size() - LISTED_BELOW_HALF)
                        .append(" more in the JSON | | | | | |\n");
            }
        }

        sb.append("\nThe ").append(WORST).append(" worst seconds by max latency:\n\n")
                .append("| system | offset s | ops | p99 ms | max ms | servers' CPU s | generator GC ms |\n|---|--:|--:|--:|--:|--:|--:|\n");
        for (SustainedRun r : measured()) {
            for (PerSecondSeries.Second s : r.series.worstByMaxLatency(WORST)) {
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %d |%n", r.system, s.offset(), s.ops(),
                        Report.num(s.p99Millis(), 2), Report.num(s.maxMillis(), 2), Report.num(s.serverCpuSeconds(), 2),
                        s.generatorGcMillis()));
            }
        }

        sb.append("\n| member | resident memory at the end (MiB) | CPU seconds in the window |\n|---|--:|--:|\n");
        for (SustainedRun r : runs) {
            r.members.forEach((id, u) -> sb.append(String.format(Locale.ROOT, "| %s %s | %.0f | %.1f |%n",
                    r.system, id, u.residentMiB(), u.cpuSeconds())));
        }
        return sb.toString();
    }

    private List<SustainedRun> measured() {
        return runs.stream().filter(r -> r.failure == null).toList();
    }

    private void row(StringBuilder sb, String label, Function<SustainedRun, Double> value, int decimals, boolean ratio) {
        double e = of("etcd", value);
        double g = of("golt", value);
        sb.append("| ").append(label).append(" | ").append(Report.num(e, decimals)).append(" | ").append(Report.num(g, decimals))
                .append(" | ").append(ratio ? Report.ratio(g, e) : "").append(" |\n");
    }

    private String perSecond(String system) {
        return run(system).filter(r -> r.failure == null).map(r -> Report.num(r.series.minOpsPerSecond(), 0) + " / "
                + Report.num(r.series.medianOpsPerSecond(), 0) + " / " + Report.num(r.series.maxOpsPerSecond(), 0)).orElse("–");
    }

    private String belowHalfCount(String system) {
        return run(system).filter(r -> r.failure == null).map(r -> Integer.toString(r.series.belowHalfMedian().size())).orElse("–");
    }

    private String memory(String system) {
        return run(system).filter(r -> !r.members.isEmpty()).map(r -> r.members.values().stream()
                .map(u -> String.format(Locale.ROOT, "%.0f", u.residentMiB())).collect(Collectors.joining(" / "))).orElse("–");
    }

    /** Issue 17 §3b's targets for Golt, when both systems were measured. */
    String verdict() {
        double eP99 = of("etcd", r -> r.percentileMillis(99));
        double gP99 = of("golt", r -> r.percentileMillis(99));
        double eP999 = of("etcd", r -> r.percentileMillis(99.9));
        double gP999 = of("golt", r -> r.percentileMillis(99.9));
        Optional<SustainedRun> golt = run("golt").filter(r -> r.failure == null);
        if (Double.isNaN(eP99) || Double.isNaN(gP99) || golt.isEmpty()) {
            return "";
        }
        int below = golt.get().series.belowHalfMedian().size();
        return "Issue 17 §3b's targets for Golt: p99 ≤ etcd's: " + yesNo(gP99 <= eP99) + " (" + Report.ratio(gP99, eP99)
                + "); p99.9 ≤ etcd's: " + yesNo(gP999 <= eP999) + " (" + Report.ratio(gP999, eP999)
                + "); no one-second window below half the median throughput: " + yesNo(below == 0) + " (" + below + ").";
    }

    private static String yesNo(boolean met) {
        return met ? "yes" : "**no**";
    }

    public JsonObject json() {
        JsonObject settingsJson = new JsonObject()
                .put("mode", "sustained")
                .put("workload", BenchSettings.cliName(Workload.WRITE_LEADER))
                .put("systems", new JsonArray(new ArrayList<>(settings.systems())))
                .put("clients", settings.clients())
                .put("systemWarmupSeconds", settings.systemWarmup().toMillis() / 1000.0)
                .put("windowSeconds", settings.windowSeconds())
                .put("valueBytes", settings.valueBytes());
        JsonArray systems = new JsonArray();
        for (SustainedRun r : runs) {
            JsonObject s = new JsonObject().put("system", r.system).put("version", r.version).put("failure", r.failure)
                    .put("nodeLogs", r.logDir);
            if (r.failure == null) {
                s.put("leaderAtStart", r.leaderAtStart).put("leaderAtEnd", r.leaderAtEnd)
                        .put("windowStartUtcMillis", r.windowStartEpochMillis)
                        .put("windowStartUtc", Instant.ofEpochMilli(r.windowStartEpochMillis).toString())
                        .put("windowSeconds", Report.round(r.windowSeconds))
                        .put("ops", r.ops())
                        .put("opsPerSecond", Report.round(r.opsPerSecond()))
                        .put("errors", r.series.errors())
                        .put("p50Ms", Report.round(r.percentileMillis(50)))
                        .put("p99Ms", Report.round(r.percentileMillis(99)))
                        .put("p999Ms", Report.round(r.percentileMillis(99.9)))
                        .put("maxMs", Report.round(r.maxMillis()))
                        .put("perSecondOpsPerSecond", new JsonObject()
                                .put("min", Report.round(r.series.minOpsPerSecond()))
                                .put("median", Report.round(r.series.medianOpsPerSecond()))
                                .put("max", Report.round(r.series.maxOpsPerSecond())))
                        .put("belowHalfMedian", seconds(r.series.belowHalfMedian()))
                        .put("worstByMaxLatency", seconds(r.series.worstByMaxLatency(WORST)))
                        .put("serverCpuSeconds", Report.round(r.serverCpuSeconds))
                        .put("generatorCpuSeconds", Report.round(r.generatorCpuSeconds));
            }
            JsonArray members = new JsonArray();
            r.members.forEach((id, u) -> members.add(new JsonObject().put("id", id).put("pid", u.pid())
                    .put("residentMiB", Report.round(u.residentMiB())).put("cpuSecondsInWindow", Report.round(u.cpuSeconds()))));
            s.put("members", members).put("series", seconds(r.series.seconds()));
            systems.add(s);
        }
        JsonObject ratios = new JsonObject();
        ratios.put("opsPerSecond", ratio(SustainedRun::opsPerSecond))
                .put("p99", ratio(r -> r.percentileMillis(99)))
                .put("p999", ratio(r -> r.percentileMillis(99.9)))
                .put("max", ratio(SustainedRun::maxMillis));
        return new JsonObject().put("date", date).put("machine", Report.machine()).put("settings", settingsJson)
                .put("systems", systems).put("goltOverEtcd", ratios);
    }

    private Double ratio(Function<SustainedRun, Double> value) {
        double e = of("etcd", value);
        double g = of("golt", value);
        return Double.isNaN(e) || Double.isNaN(g) || e == 0 ? null : Report.round(g / e);
    }

    /** One object per second: offset {@code t} in seconds from the window's start, latencies in ms (null when nothing was answered). */
    private static JsonArray seconds(List<PerSecondSeries.Second> seconds) {
        JsonArray a = new JsonArray();
        for (PerSecondSeries.Second s : seconds) {
            a.add(new JsonObject().put("t", s.offset()).put("seconds", Report.round(s.lengthSeconds())).put("ops", s.ops())
                    .put("errors", s.errors()).put("p50Ms", Report.round(s.p50Millis())).put("p99Ms", Report.round(s.p99Millis()))
                    .put("p999Ms", Report.round(s.p999Millis())).put("maxMs", Report.round(s.maxMillis()))
                    .put("serverCpuSeconds", Report.round(s.serverCpuSeconds())).put("generatorGcMs", s.generatorGcMillis()));
        }
        return a;
    }

    /** Writes the JSON result file and the Markdown table next to it. */
    public void write() {
        Report.writeFiles(settings.out(), json(), markdown());
    }
}
