package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    /** {@code ops} operations of {@code latencyMs} each, measured over one second. */
    private static Measurement measured(int ops, double latencyMs, long errors) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < ops; i++) {
            h.recordValue((long) (latencyMs * 1e6));
        }
        return new Measurement(h, errors, 1.0, 0.5, 0.1);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        List<Measurement> three = List.of(measured(30, 1, 0), measured(10, 1, 0), measured(20, 1, 0));
        assertThat(Report.median(three, Measurement::opsPerSecond)).isEqualTo(20.0);
        List<Measurement> two = List.of(measured(10, 1, 0), measured(20, 1, 0));
        assertThat(Report.median(two, Measurement::opsPerSecond)).isEqualTo(15.0);
        assertThat(Report.median(List.of(), Measurement::opsPerSecond)).isNaN();
    }

    @Test
    void tableAndJsonCompareTheSystemsCellByCell() {
        BenchSettings settings = BenchSettings.defaults(Path.of("."), Path.of("unused.json")).smoke();
        SystemRun etcd = new SystemRun("etcd");
        etcd.cells.add(new SystemRun.Cell(Workload.MIX_90_10_LEADER, 10, 1, "e1", measured(1000, 4, 0)));
        etcd.members.put("e1", new SystemRun.MemberUsage(1, 50, 3));
        SystemRun golt = new SystemRun("golt");
        golt.cells.add(new SystemRun.Cell(Workload.MIX_90_10_LEADER, 10, 1, "n1", measured(2500, 2, 3)));
        Report report = new Report(settings, List.of(etcd, golt));

        assertThat(report.markdown())
                .contains("| 90% lin. read / 10% write, leader | 10 | 1000 | 2500 | 2.50x |")
                .contains("| 0.50x | 0 / 3 |")
                .contains("| etcd e1 | 50 | 3.0 |");
        JsonObject goltJson = report.json().getJsonArray("systems").getJsonObject(1);
        JsonObject cell = goltJson.getJsonArray("medians").getJsonObject(0);
        assertThat(cell.getString("workload")).isEqualTo("mix-90-10-leader");
        assertThat(cell.getDouble("opsPerSecond")).isEqualTo(2500.0);
        assertThat(cell.getDouble("p99Ms")).isCloseTo(2.0, within(0.01));
        assertThat(cell.getLong("errors")).isEqualTo(3);
    }
}
