package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SustainedReportTest {

    /** A run of {@code seconds} seconds at {@code ops} answers of {@code latencyMs} each, with one stalled second. */
    private static SustainedRun run(String system, int seconds, int ops, double latencyMs, int stallAt) {
        SustainedRun r = new SustainedRun(system);
        r.version = system + " 1.0";
        r.leaderAtStart = system.charAt(0) + "1";
        r.leaderAtEnd = r.leaderAtStart;
        r.windowStartEpochMillis = 1_700_000_000_000L;
        r.windowSeconds = seconds;
        for (int t = 0; t < seconds; t++) {
            Histogram h = new Histogram(3);
            int n = t == stallAt ? ops / 10 : ops;
            for (int i = 0; i < n; i++) {
                h.recordValue((long) ((t == stallAt + 1 && i == 0 ? 400 : latencyMs) * 1e6));
            }
            r.series.add(PerSecondSeries.Second.of(t, 1.0, h, 0, 1.0, 0));
            r.latencyNanos.add(h);
        }
        r.members.put(r.leaderAtStart, new SystemRun.MemberUsage(1, 200, 9));
        r.serverCpuSeconds = 9;
        r.generatorCpuSeconds = 3;
        return r;
    }

    @Test
    void tableComparesTheSystemsAndJsonCarriesTheSeries() {
        SustainedSettings settings = SustainedSettings.parse(new String[] {"--sustained", "10"}, Path.of("unused.json"));
        SustainedRun etcd = run("etcd", 10, 1000, 4, -5);
        SustainedRun golt = run("golt", 10, 2000, 2, 3);
        SustainedReport report = new SustainedReport(settings, List.of(etcd, golt));

        String md = report.markdown();
        assertThat(md).contains("| seconds below half the median ops/s | 0 | 1 | |")
                .contains("| ops/s per second: min / median / max | 1000 / 1000 / 1000 | 200 / 2000 / 2000 | 2.00x |")
                .contains("| golt | 3 | 200 | 0 |")
                .contains("| etcd | none |")
                .contains("p99 ≤ etcd's: yes")
                .contains("no one-second window below half the median throughput: **no** (1)");
        // the answers of the stalled second 3 arrive in 4: the worst second by max latency
        assertThat(golt.series.worstByMaxLatency(1).getFirst().offset()).isEqualTo(4);
        assertThat(md).contains("| golt | 4 | 2000 |");

        JsonObject json = report.json();
        JsonObject g = json.getJsonArray("systems").getJsonObject(1);
        assertThat(g.getLong("windowStartUtcMillis")).isEqualTo(1_700_000_000_000L);
        JsonArray series = g.getJsonArray("series");
        assertThat(series).hasSize(10);
        assertThat(series.getJsonObject(3).getLong("ops")).isEqualTo(200);
        assertThat(g.getJsonArray("belowHalfMedian").getJsonObject(0).getInteger("t")).isEqualTo(3);
        assertThat(json.getJsonObject("goltOverEtcd").getDouble("p99")).isLessThan(1.0);
    }

    @Test
    void noVerdictWithoutEtcd() {
        SustainedSettings settings = SustainedSettings.parse(new String[] {"--sustained", "10", "--systems", "golt"}, Path.of("u.json"));
        SustainedReport report = new SustainedReport(settings, List.of(run("golt", 10, 2000, 2, 3)));
        assertThat(report.verdict()).isEmpty();
        assertThat(report.markdown()).contains("| ops/s | – | 1820 | – |");
    }
}
