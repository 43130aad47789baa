package dev.golt.bench;

import org.HdrHistogram.Histogram;

/**
 * One measured window of one cell: successful operations with their latency histogram (ns),
 * failed operations, and the CPU the servers and the load generator used in that window.
 */
public record Measurement(Histogram latencyNanos, long errors, double seconds, double serverCpuSeconds,
                          double generatorCpuSeconds) {

    public long ops() {
        return latencyNanos.getTotalCount();
    }

    public double opsPerSecond() {
        return ops() / seconds;
    }

    /** Latency at the given percentile in milliseconds; NaN when nothing succeeded. */
    public double percentileMillis(double percentile) {
        return ops() == 0 ? Double.NaN : latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }
}
