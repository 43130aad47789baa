package dev.golt.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything the sustained benchmark measured on one system: the per-second series, every second's
 * latencies added into one histogram for the whole window, and the servers' CPU and memory;
 * {@code failure} is set if it could not finish.
 */
public final class SustainedRun {

    public final String system;
    public String version = "?";
    public String failure;
    /** The member the clients wrote to, and the leader once the window was over (a change explains a stall). */
    public String leaderAtStart = "?";
    public String leaderAtEnd = "?";
    /** Wall clock (UTC, ms since the epoch) at the window's start: offset s of the series is this + s * 1000 in the members' logs. */
    public long windowStartEpochMillis;
    public double windowSeconds;
    public final PerSecondSeries series = new PerSecondSeries();
    /** Latencies (ns) of every successful request in the window. */
    public final Histogram latencyNanos = new Histogram(3);
    public double serverCpuSeconds = Double.NaN;
    public double generatorCpuSeconds = Double.NaN;
    /** Per member: resident memory once the load stopped, CPU seconds during the window. */
    public final Map<String, SystemRun.MemberUsage> members = new LinkedHashMap<>();
    /** Where the members' logs were copied to (their work directory is deleted with the cluster). */
    public String logDir;

    public SustainedRun(String system) {
        this.system = system;
    }

    public long ops() {
        return latencyNanos.getTotalCount();
    }

    public double opsPerSecond() {
        return windowSeconds > 0 ? ops() / windowSeconds : Double.NaN;
    }

    /** Latency at a percentile (100: the maximum) in ms; NaN when nothing succeeded. */
    public double percentileMillis(double percentile) {
        if (ops() == 0) {
            return Double.NaN;
        }
        return (percentile >= 100 ? latencyNanos.getMaxValue() : latencyNanos.getValueAtPercentile(percentile)) / 1e6;
    }

    public double maxMillis() {
        return percentileMillis(100);
    }
}
