package dev.golt.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A measured window second by second, and the statistics the sustained benchmark reports on it:
 * per-second throughput min / median / max, the seconds below half the median (issue 17 §3b asks
 * for none) and the worst seconds by maximum latency. Holds numbers only, no histograms, so it can
 * be built from a synthetic series in a test.
 */
public final class PerSecondSeries {

    /**
     * One second of the window.
     *
     * @param offset whole seconds from the window's start to this second's start
     * @param lengthSeconds how long the interval really was (the sampler can be late; the next one is then shorter)
     * @param ops requests answered successfully in this second (a request counts in the second its answer arrived)
     * @param errors requests that failed or timed out in this second
     * @param serverCpuSeconds CPU the three server processes used in this second (up to the number of cores)
     * @param generatorGcMillis time the load generator's own JVM spent in garbage collection in this second:
     *                          a pause there delays answers as much as one in a server
     */
    public record Second(int offset, double lengthSeconds, long ops, long errors, long p50Nanos, long p99Nanos,
                         long p999Nanos, long maxNanos, double serverCpuSeconds, long generatorGcMillis) {

        /** Summarizes one interval's latency histogram (ns). */
        public static Second of(int offset, double lengthSeconds, Histogram latencies, long errors, double serverCpuSeconds,
                                long generatorGcMillis) {
            boolean any = latencies.getTotalCount() > 0;
            return new Second(offset, lengthSeconds, latencies.getTotalCount(), errors,
                    any ? latencies.getValueAtPercentile(50) : 0, any ? latencies.getValueAtPercentile(99) : 0,
                    any ? latencies.getValueAtPercentile(99.9) : 0, any ? latencies.getMaxValue() : 0,
                    serverCpuSeconds, generatorGcMillis);
        }

        public double opsPerSecond() {
            return lengthSeconds > 0 ? ops / lengthSeconds : 0;
        }

        /** Latency at a percentile in ms; NaN when nothing was answered in this second. */
        public double p50Millis() {
            return millis(p50Nanos);
        }

        public double p99Millis() {
            return millis(p99Nanos);
        }

        public double p999Millis() {
            return millis(p999Nanos);
        }

        public double maxMillis() {
            return millis(maxNanos);
        }

        private double millis(long nanos) {
            return ops == 0 ? Double.NaN : nanos / 1e6;
        }
    }

    private final List<Second> seconds = new ArrayList<>();

    public void add(Second second) {
        seconds.add(second);
    }

    public List<Second> seconds() {
        return Collections.unmodifiableList(seconds);
    }

    public int size() {
        return seconds.size();
    }

    public long errors() {
        return seconds.stream().mapToLong(Second::errors).sum();
    }

    private double[] sortedThroughput() {
        double[] v = seconds.stream().mapToDouble(Second::opsPerSecond).toArray();
        Arrays.sort(v);
        return v;
    }

    /** Lowest per-second throughput (ops/s); NaN for an empty series. */
    public double minOpsPerSecond() {
        double[] v = sortedThroughput();
        return v.length == 0 ? Double.NaN : v[0];
    }

    public double maxOpsPerSecond() {
        double[] v = sortedThroughput();
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    /** Median of the per-second throughputs (the mean of the middle two for an even count). */
    public double medianOpsPerSecond() {
        double[] v = sortedThroughput();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The seconds whose throughput is strictly below half the median, in order: the stall criterion. */
    public List<Second> belowHalfMedian() {
        double half = medianOpsPerSecond() / 2;
        return seconds.stream().filter(s -> s.opsPerSecond() < half).toList();
    }

    /**
     * The {@code n} seconds with the highest maximum latency, worst first (ties: the earlier first).
     * A second in which nothing was answered has no latency and ranks last: its requests show in
     * the maximum of the second that answers them.
     */
    public List<Second> worstByMaxLatency(int n) {
        return seconds.stream()
                .sorted(Comparator.comparingLong((Second s) -> s.ops() == 0 ? -1 : s.maxNanos()).reversed()
                        .thenComparingInt(Second::offset))
                .limit(n).toList();
    }
}
