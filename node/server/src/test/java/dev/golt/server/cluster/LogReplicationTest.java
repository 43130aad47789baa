package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import org.junit.jupiter.api.Test;

class LogReplicationTest {

    @Test
    void allMembersConvergeIncludingOneThatWasDown() {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            for (int i = 0; i < 50; i++) {
                c.write(leader, "a" + i, "x" + i);
            }
            String down = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow().settings().id();
            c.stop(down);
            long last = 0;
            for (int i = 0; i < 50; i++) {
                // through a follower when one is left: it forwards to the leader
                last = c.write(c.nodes().get(i % 2), "b" + i, "y" + i).index();
            }
            GoltNode back = c.start(down);
            for (GoltNode n : c.nodes()) {
                c.awaitApplied(n, last);
                assertThat(TestCluster.read(n, "a7")).isEqualTo("x7");
                assertThat(TestCluster.read(n, "b49")).isEqualTo("y49");
            }
            assertThat(back.driver().appliedIndex()).isGreaterThanOrEqualTo(last);
        }
    }
}
