package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark working: one short cell (90/10 mix, 10 clients, 2 s) against a real 3-member
 * etcd cluster and a real 3-node Golt cluster. Fails, rather than skips, when either is missing.
 */
class BenchmarkSmokeTest {

    private static final Path REPO = Path.of(System.getProperty("golt.bench.repoRoot", "..")).toAbsolutePath().normalize();

    @Test
    void measuresBothSystemsAndWritesTheResultFile() throws Exception {
        if (EtcdCluster.onPath("etcd").isEmpty()) {
            fail("etcd is not installed; the benchmark smoke test compares Golt with etcd. "
                    + "Install it with `apt-get update && apt-get install -y etcd-server` (.ci/run does this).");
        }
        GoltCluster.nodeJar(REPO); // throws with the build command when the node jar is missing

        Path out = REPO.resolve("bench/target/bench-smoke.json");
        BenchSettings settings = BenchSettings.defaults(REPO, out).smoke().withoutEtcdInstall();
        List<SystemRun> runs = new Benchmark(settings).run();
        Report report = new Report(settings, runs);
        report.write();
        System.out.println(report.markdown());

        assertThat(runs).extracting(r -> r.system).containsExactly("etcd", "golt");
        for (SystemRun run : runs) {
            assertThat(run.failure).as(run.system + " failure").isNull();
            assertThat(run.cells).as(run.system + " cells").hasSize(1);
            Measurement m = run.cells.get(0).measurement();
            assertThat(m.ops()).as(run.system + " successful operations").isGreaterThan(0);
            assertThat(m.errors()).as(run.system + " errors").isZero();
            assertThat(m.percentileMillis(50)).as(run.system + " p50").isPositive()
                    .isLessThanOrEqualTo(m.percentileMillis(99));
            assertThat(m.serverCpuSeconds()).as(run.system + " server CPU").isPositive();
            assertThat(run.members).as(run.system + " members").hasSize(3);
            run.members.values().forEach(u -> assertThat(u.residentMiB()).isPositive());
            assertThat(run.startSeconds).as(run.system + " start-up").isPositive();
            assertThat(run.recoveries).as(run.system + " kill-all recoveries").hasSize(settings.repeats());
            LocalCluster.Recovery recovery = run.recoveries.get(0);
            assertThat(recovery.servingSeconds()).as(run.system + " members serving after kill -9 of all").hasSize(3);
            assertThat(recovery.firstWriteSeconds()).as(run.system + " first write after kill -9 of all").isPositive();
        }

        JsonObject json = new JsonObject(Files.readString(out));
        assertThat(json.getJsonArray("systems")).hasSize(2);
        assertThat(json.getJsonArray("systems").getJsonObject(1).getJsonArray("medians").getJsonObject(0)
                .getDouble("opsPerSecond")).isPositive();
        assertThat(Files.readString(out.resolveSibling("bench-smoke.md"))).contains("| 90% lin. read / 10% write, leader | 10 |")
                .contains("first write accepted");
        assertThat(ProcessHandle.current().children()).as("no server process left running").isEmpty();
    }
}
