package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    @Test
    void snapshotCompactsTheLogAndARestartRecoversFromSnapshotPlusTail() throws Exception {
        try (TestCluster c = TestCluster.start(3, Map.of("golt.snapshot.threshold-entries", "100", "golt.snapshot.keep-entries", "20"))) {
            GoltNode leader = c.awaitLeader();
            long last = 0;
            for (int i = 0; i < 250; i++) {
                last = c.write(leader, "k" + i, "v" + i).index();
            }
            GoltNode follower = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
            c.awaitApplied(follower, last);
            TestCluster.await("automatic snapshot", () -> follower.driver().snapshotIndex() >= 200);
            assertThat(follower.log().firstIndex()).isGreaterThan(1);
            long manual = follower.snapshotNow().get(30, TimeUnit.SECONDS);
            assertThat(manual).isGreaterThanOrEqualTo(200);
            assertThat(Files.isDirectory(c.dataDir(follower.settings().id()).resolve("snapshots/" + manual))).isTrue();

            String id = follower.settings().id();
            c.stop(id);
            GoltNode restarted = c.start(id);
            assertThat(restarted.driver().snapshotIndex()).isGreaterThanOrEqualTo(manual);
            assertThat(TestCluster.read(restarted, "k0")).isEqualTo("v0");
            assertThat(TestCluster.read(restarted, "k249")).isEqualTo("v249");
        }
    }
}
