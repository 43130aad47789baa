package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstallSnapshotTest {

    @Test
    void followerBehindTheCompactedLogCatchesUpThroughInstallSnapshot() {
        try (TestCluster c = TestCluster.start(3, Map.of("golt.snapshot.threshold-entries", "50", "golt.snapshot.keep-entries", "10"))) {
            GoltNode leader = c.awaitLeader();
            c.write(leader, "before", "1");
            String down = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow().settings().id();
            long downAt = c.node(down).driver().appliedIndex();
            c.stop(down);
            long last = 0;
            for (int i = 0; i < 300; i++) {
                last = c.write(leader, "k" + i, "v" + i).index();
            }
            TestCluster.await("leader compacted past the stopped follower", () -> leader.log().firstIndex() > downAt + 1);

            GoltNode back = c.start(down);
            c.awaitApplied(back, last);
            assertThat(c.metrics(down).get("golt.snapshot.installed").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(TestCluster.read(back, "before")).isEqualTo("1");
            assertThat(TestCluster.read(back, "k299")).isEqualTo("v299");
            c.write(leader, "after", "2");
            TestCluster.await("follower applies new writes", () -> "2".equals(TestCluster.read(back, "after")));
        }
    }
}
