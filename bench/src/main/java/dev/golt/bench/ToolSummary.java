package dev.golt.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One summary block printed by etcd's {@code benchmark} tool (its {@code pkg/report}): total time,
 * slowest/fastest/average/stddev latency, Requests/sec, the latency percentiles it prints (10, 25,
 * 50, 75, 90, 95, 99, 99.9; a percentile whose value is 0 is left out) and the error distribution.
 * Latencies are in seconds, as the tool prints them. {@code watch-latency} prints two blocks, titled
 * "Put summary:" and "Watch events summary:"; the other commands one, untitled.
 *
 * <p>When every request failed the tool prints only the error distribution: then the timing fields
 * are NaN and {@link #succeeded()} is false.
 */
public record ToolSummary(String title, double totalSeconds, double slowestSeconds, double fastestSeconds,
                          double averageSeconds, double stddevSeconds, double requestsPerSecond,
                          Map<Double, Double> percentileSeconds, Map<String, Long> errors) {

    private static final Pattern FIELD = Pattern.compile("^\\s*(Total|Slowest|Fastest|Average|Stddev|Requests/sec):\\s*([-+0-9.eE]+|NaN)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*([0-9.]+)% in ([-+0-9.eE]+) secs\\.?\\s*$");
    private static final Pattern ERROR = Pattern.compile("^\\s*\\[(\\d+)]\\s+(.*)$");
    private static final Pattern TITLE = Pattern.compile("^\\s*(.*summary):\\s*$", Pattern.CASE_INSENSITIVE);

    /** The percentiles the tool computes, in order. */
    static final double[] PERCENTILES = {10, 25, 50, 75, 90, 95, 99, 99.9};

    /**
     * Latency at {@code percentile} (one of {@link #PERCENTILES}) in ms. The tool leaves out a
     * percentile whose value is 0, which happens either because the latency was 0 (watch-latency
     * clamps an event that arrived before its Put's response to 0) or because too few requests ran
     * to reach it (99.9 needs 1,000): the first gives 0, the second NaN.
     */
    public double percentileMillis(double percentile) {
        Double s = percentileSeconds.get(percentile);
        if (s != null) {
            return s * 1000;
        }
        return succeeded() && computed(requests(), percentile) ? 0 : Double.NaN;
    }

    /** Successful requests: Requests/sec x Total (the tool prints both in full with --precise). */
    public long requests() {
        return succeeded() ? Math.round(requestsPerSecond * totalSeconds) : 0;
    }

    /** Whether pkg/report's percentile loop assigns {@code percentile} for {@code n} sorted latencies. */
    static boolean computed(long n, double percentile) {
        int j = 0;
        for (long i = 0; i < n && j < PERCENTILES.length; i++) {
            double current = i * 100.0 / n;
            if (current >= PERCENTILES[j]) {
                if (PERCENTILES[j] == percentile) {
                    return true;
                }
                j++;
            }
        }
        return false;
    }

    public double averageMillis() {
        return averageSeconds * 1000;
    }

    /** Failed requests, summed over the error distribution. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether any request succeeded (the tool printed a "Summary:" block). */
    public boolean succeeded() {
        return !Double.isNaN(requestsPerSecond);
    }

    /** Every summary block in the tool's stdout, in order. */
    public static List<ToolSummary> parse(String stdout) {
        List<ToolSummary> out = new ArrayList<>();
        Builder current = null;
        String pendingTitle = null;
        boolean inErrors = false;
        for (String line : stdout.split("\\R")) {
            String trimmed = line.trim();
            Matcher title = TITLE.matcher(line);
            if (trimmed.equals("Summary:")) {
                if (current != null) {
                    out.add(current.build());
                }
                current = new Builder(pendingTitle);
                pendingTitle = null;
                inErrors = false;
                continue;
            }
            if (title.matches() && !trimmed.equals("Summary:")) {
                if (current != null) {
                    out.add(current.build());
                    current = null;
                }
                pendingTitle = title.group(1).trim();
                inErrors = false;
                continue;
            }
            if (trimmed.equals("Error distribution:")) {
                if (current == null) {   // every request failed: no "Summary:" block before it
                    current = new Builder(pendingTitle);
                    pendingTitle = null;
                }
                inErrors = true;
                continue;
            }
            if (current == null) {
                continue;
            }
            if (inErrors) {
                Matcher e = ERROR.matcher(line);
                if (e.matches()) {
                    current.errors.merge(e.group(2).trim(), Long.parseLong(e.group(1)), Long::sum);
                    continue;
                }
                if (!trimmed.isEmpty()) {
                    inErrors = false;
                }
            }
            Matcher f = FIELD.matcher(line);
            if (f.find()) {
                double v = Double.parseDouble(f.group(2));
                switch (f.group(1)) {
                    case "Total" -> current.total = v;
                    case "Slowest" -> current.slowest = v;
                    case "Fastest" -> current.fastest = v;
                    case "Average" -> current.average = v;
                    case "Stddev" -> current.stddev = v;
                    case "Requests/sec" -> current.rps = v;
                    default -> { }
                }
                continue;
            }
            Matcher p = PERCENTILE.matcher(line);
            if (p.matches()) {
                current.percentiles.put(Double.parseDouble(p.group(1)), Double.parseDouble(p.group(2)));
            }
        }
        if (current != null) {
            out.add(current.build());
        }
        return out;
    }

    private static final class Builder {
        final String title;
        double total = Double.NaN;
        double slowest = Double.NaN;
        double fastest = Double.NaN;
        double average = Double.NaN;
        double stddev = Double.NaN;
        double rps = Double.NaN;
        final Map<Double, Double> percentiles = new TreeMap<>();
        final Map<String, Long> errors = new LinkedHashMap<>();

        Builder(String title) {
            this.title = title;
        }

        ToolSummary build() {
            return new ToolSummary(title, total, slowest, fastest, average, stddev, rps,
                    java.util.Collections.unmodifiableMap(percentiles), java.util.Collections.unmodifiableMap(errors));
        }
    }
}
