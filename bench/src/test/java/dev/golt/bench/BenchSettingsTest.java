package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    private static final Path OUT = Path.of("out.json");

    @Test
    void defaultsAreTheFullBenchmark() {
        BenchSettings s = BenchSettings.parse(new String[0], OUT);
        assertThat(s.systems()).containsExactly("etcd", "golt");
        assertThat(s.workloads()).containsExactly(Workload.values());
        assertThat(s.clients()).containsExactly(1, 10, 100);
        assertThat(s.measure()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.repeats()).isEqualTo(3);
        assertThat(s.valueBytes()).isEqualTo(100);
        assertThat(s.installEtcd()).isTrue();
    }

    @Test
    void parsesEveryOption() {
        BenchSettings s = BenchSettings.parse(new String[] {"--systems", "golt", "--workloads",
                "write-follower,read-stale-follower", "--clients", "2,20", "--system-warmup", "12", "--warmup", "0.5", "--duration", "3",
                "--repeats", "5", "--read-keys", "50", "--repo", "/r", "--out", "x.json", "--no-install"}, OUT);
        assertThat(s.systems()).containsExactly("golt");
        assertThat(s.workloads()).containsExactly(Workload.WRITE_FOLLOWER, Workload.READ_STALE_FOLLOWER);
        assertThat(s.clients()).isEqualTo(List.of(2, 20));
        assertThat(s.systemWarmup()).isEqualTo(Duration.ofSeconds(12));
        assertThat(s.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.measure()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.repeats()).isEqualTo(5);
        assertThat(s.readKeys()).isEqualTo(50);
        assertThat(s.repoRoot()).isEqualTo(Path.of("/r"));
        assertThat(s.out()).isEqualTo(Path.of("x.json"));
        assertThat(s.installEtcd()).isFalse();
    }

    @Test
    void smokeIsOneShortCell() {
        BenchSettings s = BenchSettings.parse(new String[] {"--smoke"}, OUT);
        assertThat(s.workloads()).hasSize(1);
        assertThat(s.clients()).hasSize(1);
        assertThat(s.measure()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.repeats()).isEqualTo(1);
        assertThat(s.systems()).containsExactly("etcd", "golt");
    }

    @Test
    void rejectsUnknownNames() {
        assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--workloads", "writes"}, OUT))
                .hasMessageContaining("unknown workload writes");
        assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--systems", "zookeeper"}, OUT))
                .hasMessageContaining("unknown system zookeeper");
        assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--duration"}, OUT))
                .hasMessageContaining("missing value for --duration");
    }
}
