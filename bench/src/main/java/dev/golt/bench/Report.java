package dev.golt.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side table (Markdown, for the terminal and the README) and the JSON result file.
 * Every number in the table is the median over the repeats of that cell, taken per column.
 */
public final class Report {

    private final BenchSettings settings;
    private final List<SystemRun> runs;
    private final String date = ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

    public Report(BenchSettings settings, List<SystemRun> runs) {
        this.settings = settings;
        this.runs = runs;
    }

    /** Median of one column over the repeats of a cell; NaN if the cell was not measured. */
    public static double median(List<Measurement> ms, ToDoubleFunction<Measurement> column) {
        return median(ms.stream().mapToDouble(column).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private Optional<SystemRun> run(String system) {
        return runs.stream().filter(r -> r.system.equals(system)).findFirst();
    }

    private List<Measurement> cell(String system, Workload w, int clients) {
        return run(system).map(r -> r.measurements(w, clients)).orElse(List.of());
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("Date: ").append(date).append(". Machine: ").append(machine().getInteger("cores")).append(" cores (")
                .append(machine().getString("cpu")).append("), Linux ").append(machine().getString("kernel"))
                .append(", ").append(machine().getString("java")).append(".\n");
        for (SystemRun r : runs) {
            sb.append("- ").append(r.system).append(": ").append(r.version)
                    .append(r.failure == null ? "" : " — FAILED: " + r.failure.lines().findFirst().orElse("")).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "- %d s unmeasured warm-up of each system after it starts; "
                        + "%d s warm-up + %d s measured per cell, median of %d repeat(s); closed loop, one keep-alive HTTP/1.1 connection per client, %d-byte values; "
                        + "load generator on the same cores.%n%n",
                settings.systemWarmup().toSeconds(), settings.warmup().toSeconds(), settings.measure().toSeconds(),
                settings.repeats(), settings.valueBytes()));
        sb.append("| workload | clients | etcd ops/s | Golt ops/s | Golt/etcd | etcd p50 / p99 / p99.9 ms "
                + "| Golt p50 / p99 / p99.9 ms | p99 Golt/etcd | errors etcd / Golt | server CPU s etcd / Golt |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Workload w : settings.workloads()) {
            for (int c : settings.clients()) {
                List<Measurement> e = cell("etcd", w, c);
                List<Measurement> g = cell("golt", w, c);
                double eOps = median(e, Measurement::opsPerSecond);
                double gOps = median(g, Measurement::opsPerSecond);
                double eP99 = median(e, m -> m.percentileMillis(99));
                double gP99 = median(g, m -> m.percentileMillis(99));
                sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |%n",
                        w.label(), c, num(eOps, 0), num(gOps, 0), ratio(gOps, eOps), latencies(e), latencies(g),
                        ratio(gP99, eP99), num(median(e, Measurement::errors), 0), num(median(g, Measurement::errors), 0),
                        num(median(e, Measurement::serverCpuSeconds), 1), num(median(g, Measurement::serverCpuSeconds), 1)));
            }
        }
        sb.append("\n| start-up and recovery (seconds) | etcd | Golt | Golt/etcd |\n|---|--:|--:|--:|\n");
        double eStart = run("etcd").map(r -> r.startSeconds).orElse(Double.NaN);
        double gStart = run("golt").map(r -> r.startSeconds).orElse(Double.NaN);
        sb.append(String.format(Locale.ROOT, "| first start: 3 members launched → a leader serving | %s | %s | %s |%n",
                num(eStart, 2), num(gStart, 2), ratio(gStart, eStart)));
        double eServe = recovery("etcd", r -> r.servingSeconds().values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        double gServe = recovery("golt", r -> r.servingSeconds().values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        sb.append(String.format(Locale.ROOT, "| kill -9 of all, restarted → every member answers a linearizable read (median) | %s | %s | %s |%n",
                num(eServe, 2), num(gServe, 2), ratio(gServe, eServe)));
        double eWrite = recovery("etcd", LocalCluster.Recovery::firstWriteSeconds);
        double gWrite = recovery("golt", LocalCluster.Recovery::firstWriteSeconds);
        sb.append(String.format(Locale.ROOT, "| kill -9 of all, restarted → first write accepted (median) | %s | %s | %s |%n",
                num(eWrite, 2), num(gWrite, 2), ratio(gWrite, eWrite)));
        sb.append("\n| member | resident memory at end (MiB) | CPU seconds over the whole run |\n|---|--:|--:|\n");
        for (SystemRun r : runs) {
            r.members.forEach((id, u) -> sb.append(String.format(Locale.ROOT, "| %s %s | %.0f | %.1f |%n",
                    r.system, id, u.residentMiB(), u.cpuSeconds())));
        }
        return sb.toString();
    }

    private double recovery(String system, ToDoubleFunction<LocalCluster.Recovery> column) {
        return median(run(system).map(r -> r.recoveries.stream().mapToDouble(column).toArray()).orElse(new double[0]));
    }

    private static String latencies(List<Measurement> ms) {
        return num(median(ms, m -> m.percentileMillis(50)), 2) + " / " + num(median(ms, m -> m.percentileMillis(99)), 2)
                + " / " + num(median(ms, m -> m.percentileMillis(99.9)), 2);
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String ratio(double golt, double etcd) {
        return Double.isNaN(golt) || Double.isNaN(etcd) || etcd == 0 ? "–" : String.format(Locale.ROOT, "%.2fx", golt / etcd);
    }

    public JsonObject json() {
        JsonObject settingsJson = new JsonObject()
                .put("systems", new JsonArray(new ArrayList<>(settings.systems())))
                .put("workloads", new JsonArray(settings.workloads().stream().map(BenchSettings::cliName).toList()))
                .put("clients", new JsonArray(new ArrayList<>(settings.clients())))
                .put("systemWarmupSeconds", settings.systemWarmup().toMillis() / 1000.0)
                .put("warmupSeconds", settings.warmup().toMillis() / 1000.0)
                .put("measureSeconds", settings.measure().toMillis() / 1000.0)
                .put("repeats", settings.repeats())
                .put("valueBytes", settings.valueBytes())
                .put("readKeys", settings.readKeys());
        JsonArray systems = new JsonArray();
        for (SystemRun r : runs) {
            JsonArray cells = new JsonArray();
            for (SystemRun.Cell c : r.cells) {
                cells.add(cellJson(c.workload(), c.clients(), List.of(c.measurement()))
                        .put("repeat", c.repeat()).put("member", c.member()));
            }
            JsonArray medians = new JsonArray();
            for (Workload w : settings.workloads()) {
                for (int c : settings.clients()) {
                    List<Measurement> ms = r.measurements(w, c);
                    if (!ms.isEmpty()) {
                        medians.add(cellJson(w, c, ms));
                    }
                }
            }
            JsonArray members = new JsonArray();
            r.members.forEach((id, u) -> members.add(new JsonObject().put("id", id).put("pid", u.pid())
                    .put("residentMiB", round(u.residentMiB())).put("cpuSeconds", round(u.cpuSeconds()))));
            JsonArray recoveries = new JsonArray();
            r.recoveries.forEach(rec -> recoveries.add(new JsonObject().put("firstWriteSeconds", round(rec.firstWriteSeconds()))
                    .put("servingSeconds", new JsonObject(new java.util.LinkedHashMap<>(rec.servingSeconds())))));
            systems.add(new JsonObject().put("system", r.system).put("version", r.version).put("failure", r.failure)
                    .put("medians", medians).put("runs", cells).put("members", members)
                    .put("startSeconds", round(r.startSeconds)).put("recoveries", recoveries));
        }
        return new JsonObject().put("date", date).put("machine", machine()).put("settings", settingsJson)
                .put("systems", systems);
    }

    private static JsonObject cellJson(Workload w, int clients, List<Measurement> ms) {
        return new JsonObject()
                .put("workload", BenchSettings.cliName(w))
                .put("clients", clients)
                .put("opsPerSecond", round(median(ms, Measurement::opsPerSecond)))
                .put("ops", (long) median(ms, m -> m.ops()))
                .put("errors", (long) median(ms, m -> m.errors()))
                .put("p50Ms", round(median(ms, m -> m.percentileMillis(50))))
                .put("p99Ms", round(median(ms, m -> m.percentileMillis(99))))
                .put("p999Ms", round(median(ms, m -> m.percentileMillis(99.9))))
                .put("maxMs", round(median(ms, m -> m.ops() == 0 ? Double.NaN : m.latencyNanos().getMaxValue() / 1e6)))
                .put("seconds", round(median(ms, Measurement::seconds)))
                .put("serverCpuSeconds", round(median(ms, Measurement::serverCpuSeconds)))
                .put("generatorCpuSeconds", round(median(ms, Measurement::generatorCpuSeconds)));
    }

    static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
    }

    static JsonObject machine() {
        return new JsonObject()
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("cpu", firstMatching(Path.of("/proc/cpuinfo"), "model name").orElse("?"))
                .put("kernel", read(Path.of("/proc/sys/kernel/osrelease")).orElse("?"))
                .put("java", "Java " + Runtime.version());
    }

    private static Optional<String> firstMatching(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes the JSON result file and the Markdown table next to it. */
    public void write() {
        writeFiles(settings.out(), json(), markdown());
    }

    /** Writes {@code json} to {@code out} and {@code markdown} beside it ({@code x.json} -> {@code x.md}); every report's format. */
    static void writeFiles(Path out, JsonObject json, String markdown) {
        try {
            Path file = out.toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, json.encodePrettily() + "\n");
            String name = file.getFileName().toString().replaceFirst("\\.json$", "") + ".md";
            Files.writeString(file.resolveSibling(name), markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
