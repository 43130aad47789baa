package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SustainedSettingsTest {

    private static final Path OUT = Path.of("out.json");

    @Test
    void defaultsAreTheIssuesLoad() {
        SustainedSettings s = SustainedSettings.parse(new String[] {"--sustained", "300"}, OUT);
        assertThat(s.systems()).containsExactly("etcd", "golt");
        assertThat(s.clients()).isEqualTo(100);
        assertThat(s.windowSeconds()).isEqualTo(300);
        assertThat(s.systemWarmup()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.valueBytes()).isEqualTo(100);
        assertThat(s.etcd()).isNull();
        assertThat(s.out()).isEqualTo(OUT);
        assertThat(s.installEtcd()).isTrue();
    }

    @Test
    void parsesEveryOption() {
        SustainedSettings s = SustainedSettings.parse(new String[] {"--systems", "golt", "--sustained", "20", "--clients", "10",
                "--system-warmup", "5", "--etcd", "/opt/etcd", "--repo", "/r", "--out", "x.json", "--no-install"}, OUT);
        assertThat(s.systems()).containsExactly("golt");
        assertThat(s.windowSeconds()).isEqualTo(20);
        assertThat(s.clients()).isEqualTo(10);
        assertThat(s.systemWarmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.etcd()).isEqualTo(Path.of("/opt/etcd"));
        assertThat(s.repoRoot()).isEqualTo(Path.of("/r"));
        assertThat(s.out()).isEqualTo(Path.of("x.json"));
        assertThat(s.installEtcd()).isFalse();
    }

    @Test
    void rejectsWhatTheModeDoesNotUse() {
        assertThatThrownBy(() -> SustainedSettings.parse(new String[] {"--sustained", "30", "--workloads", "write-leader"}, OUT))
                .hasMessageContaining("--workloads is not used with --sustained");
        assertThatThrownBy(() -> SustainedSettings.parse(new String[] {"--sustained", "2.5"}, OUT))
                .hasMessageContaining("whole number of seconds");
        assertThatThrownBy(() -> SustainedSettings.parse(new String[] {"--sustained"}, OUT))
                .hasMessageContaining("missing value for --sustained");
        assertThatThrownBy(() -> SustainedSettings.parse(new String[] {"--sustained", "30", "--systems", "zookeeper"}, OUT))
                .hasMessageContaining("unknown system zookeeper");
    }
}
