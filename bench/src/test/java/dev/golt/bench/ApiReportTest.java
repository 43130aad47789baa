package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ApiReportTest {

    private static ToolSummary summary(String title, double rps, double p50Ms, double p99Ms) {
        Map<Double, Double> pct = new TreeMap<>(Map.of(50.0, p50Ms / 1000, 99.0, p99Ms / 1000));
        return new ToolSummary(title, 2.0, p99Ms / 1000, 0.0005, p50Ms / 1000, 0.001, rps, pct, Map.of());
    }

    private static ApiRun.Cell cell(ApiWorkload w, int clients, EtcdBenchmarkTool.Run run) {
        return new ApiRun.Cell(w, clients, ApiWorkload.conns(clients), 1000, 1, "n1", "127.0.0.1:1", run, 1.5, 0.9);
    }

    private static EtcdBenchmarkTool.Run ok(ToolSummary... s) {
        return new EtcdBenchmarkTool.Run(List.of("benchmark", "put"), 0, 2.1, List.of(s), null, "Summary: ...");
    }

    @Test
    void sideBySideWithRatiosAndTheErrorsOfFailedCells() {
        ApiBenchSettings settings = ApiBenchSettings.defaults(Path.of("."), Path.of("unused.json"))
                .smokeVariant();
        ApiRun etcd = new ApiRun("etcd");
        etcd.version = "etcd 3.5.16";
        etcd.cells.add(cell(ApiWorkload.PUT, 10, ok(summary(null, 1000, 8, 20))));
        etcd.cells.add(cell(ApiWorkload.WATCH_LATENCY, 10,
                ok(summary("Put summary", 100, 2, 5), summary("Watch events summary", 1000, 0.2, 1.0))));
        ApiRun golt = new ApiRun("golt");
        golt.version = "golt 0.1.0-SNAPSHOT";
        golt.cells.add(cell(ApiWorkload.PUT, 10, ok(summary(null, 2500, 3, 10))));
        golt.cells.add(cell(ApiWorkload.WATCH_LATENCY, 10, new EtcdBenchmarkTool.Run(List.of("benchmark", "watch-latency"),
                -1, 11.0, List.of(), "stalled: no progress for 10 s at 0 / 300", "")));

        ApiReport report = new ApiReport(settings, "etcd benchmark v3.6.8", List.of(etcd, golt));
        String md = report.markdown();
        assertThat(md).contains("| put, sequential keys | 10 | 10 | ")
                .contains("| 1000 | 2500 | 2.50x | 8.00 / 8.00 / 20.00 | 3.00 / 3.00 / 10.00 | 0.50x | 0 / 0 | 1.5 / 1.5 |")
                .contains("| watch-latency | 10 | 10 | ")
                .contains("error: stalled: no progress for 10 s at 0 / 300 (no watch event arrived)")
                .contains("- golt, watch-latency, 10 clients, repeat 1: stalled: no progress for 10 s at 0 / 300");

        JsonObject json = report.json();
        JsonObject goltJson = json.getJsonArray("systems").getJsonObject(1);
        assertThat(goltJson.getJsonArray("runs").getJsonObject(1).getString("error")).startsWith("stalled");
        assertThat(goltJson.getJsonArray("medians").getJsonObject(0).getDouble("requestsPerSecond")).isEqualTo(2500.0);
        JsonObject etcdWatch = json.getJsonArray("systems").getJsonObject(0).getJsonArray("runs").getJsonObject(1);
        assertThat(etcdWatch.getJsonObject("summary").getString("title")).isEqualTo("Watch events summary");
        assertThat(etcdWatch.getJsonObject("putSummary").getDouble("requestsPerSecond")).isEqualTo(100.0);
        assertThat(etcdWatch.getJsonObject("summary").getJsonObject("percentilesMs").getDouble("p99")).isEqualTo(1.0);
    }
}
