package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiBenchSettingsTest {

    private static final Path OUT = Path.of("out.json");

    @Test
    void defaultsAreTheFullBenchmark() {
        ApiBenchSettings s = ApiBenchSettings.parse(new String[0], OUT);
        assertThat(s.systems()).containsExactly("etcd", "golt");
        assertThat(s.workloads()).containsExactly(ApiWorkload.values());
        assertThat(s.clients()).containsExactly(1, 10, 100, 1000);
        assertThat(s.leases()).isEqualTo(10_000);
        assertThat(s.allEndpoints()).isFalse();
        assertThat(s.smoke()).isFalse();
        assertThat(s.total(ApiWorkload.PUT, 1)).isEqualTo(2_000);
        assertThat(s.total(ApiWorkload.PUT, 1000)).isEqualTo(s.total(ApiWorkload.PUT, 100)).isGreaterThanOrEqualTo(20_000);
        assertThat(s.total(ApiWorkload.WATCH_LATENCY, 1000)).isEqualTo(500);
    }

    @Test
    void parsesEveryOption() {
        ApiBenchSettings s = ApiBenchSettings.parse(new String[] {"--systems", "golt", "--workloads", "put,range-s",
                "--clients", "2,20", "--total", "777", "--put-rate", "50", "--repeats", "3", "--warmup-scale", "0",
                "--endpoints", "all", "--etcd", "/e/etcd", "--tool", "/t/benchmark", "--cell-timeout", "9",
                "--stall-timeout", "4", "--leases", "0", "--lease-ttl", "12", "--lease-window", "7", "--repo", "/r",
                "--out", "x.json"}, OUT);
        assertThat(s.systems()).containsExactly("golt");
        assertThat(s.workloads()).containsExactly(ApiWorkload.PUT, ApiWorkload.RANGE_SERIALIZABLE);
        assertThat(s.clients()).isEqualTo(List.of(2, 20));
        assertThat(s.total(ApiWorkload.PUT, 2)).isEqualTo(777);
        assertThat(s.putRate()).isEqualTo(50);
        assertThat(s.repeats()).isEqualTo(3);
        assertThat(s.warmupScale()).isZero();
        assertThat(s.allEndpoints()).isTrue();
        assertThat(s.etcdBinary()).isEqualTo(Path.of("/e/etcd"));
        assertThat(s.tool()).isEqualTo(Path.of("/t/benchmark"));
        assertThat(s.cellTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(s.stallTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.leases()).isZero();
        assertThat(s.leaseTtlSeconds()).isEqualTo(12);
        assertThat(s.leaseWindow()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.repoRoot()).isEqualTo(Path.of("/r"));
        assertThat(s.out()).isEqualTo(Path.of("x.json"));
    }

    @Test
    void smokeIsOneShortCellPerWorkload() {
        ApiBenchSettings s = ApiBenchSettings.parse(new String[] {"--smoke"}, OUT);
        assertThat(s.workloads()).containsExactly(ApiWorkload.values());
        assertThat(s.clients()).containsExactly(10);
        assertThat(s.repeats()).isEqualTo(1);
        assertThat(s.warmupScale()).isZero();
        assertThat(s.smoke()).isTrue();
        assertThat(s.leases()).isEqualTo(1_000);
        for (ApiWorkload w : ApiWorkload.values()) {
            assertThat(s.total(w, 10)).as(w.cliName()).isBetween(10, 2_000);
        }
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> ApiBenchSettings.parse(new String[] {"--workloads", "writes"}, OUT))
                .hasMessageContaining("unknown workload writes");
        assertThatThrownBy(() -> ApiBenchSettings.parse(new String[] {"--systems", "zookeeper"}, OUT))
                .hasMessageContaining("unknown system zookeeper");
        assertThatThrownBy(() -> ApiBenchSettings.parse(new String[] {"--endpoints", "followers"}, OUT))
                .hasMessageContaining("leader or all");
        assertThatThrownBy(() -> ApiBenchSettings.parse(new String[] {"--clients"}, OUT))
                .hasMessageContaining("missing value for --clients");
        assertThatThrownBy(() -> ApiBenchSettings.parse(new String[] {"--clients", "0"}, OUT))
                .hasMessageContaining("positive");
    }

    @Test
    void toolCommandLines() {
        assertThat(ApiWorkload.PUT.toolArgs("127.0.0.1:2379", 1000, 30_000, 100)).containsExactly(
                "--endpoints=127.0.0.1:2379", "--conns=100", "--clients=1000", "--precise",
                "put", "--key-size=8", "--sequential-keys", "--key-space-size=30000", "--total=30000", "--val-size=256");
        assertThat(ApiWorkload.RANGE_LINEARIZABLE.toolArgs("e", 10, 500, 100)).containsSequence(
                "range", ApiWorkload.RANGE_KEY, "--consistency=l", "--total=500");
        assertThat(ApiWorkload.RANGE_SERIALIZABLE.toolArgs("e", 10, 500, 100)).contains("--consistency=s");
        assertThat(ApiWorkload.TXN_PUT.toolArgs("e", 1, 2000, 100)).contains("--conns=1", "--clients=1", "txn-put",
                "--key-space-size=2000", "--total=2000", "--val-size=256");
        assertThat(ApiWorkload.WATCH_LATENCY.toolArgs("e", 1000, 500, 100)).contains("--conns=100", "--clients=1000",
                "watch-latency", "--put-total=500", "--put-rate=100", "--streams=100", "--watchers-per-stream=10");
        assertThat(ApiWorkload.WATCH_LATENCY.toolArgs("e", 1, 500, 100)).contains("--streams=1", "--watchers-per-stream=1");
    }
}
