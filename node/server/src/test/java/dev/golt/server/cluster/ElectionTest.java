package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.raft.Role;
import dev.golt.server.node.GoltNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElectionTest {

    @Test
    void isolatedLeaderIsReplacedAndRejoinsAsFollower() {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode first = c.awaitLeader();
            long firstTerm = first.driver().term();
            c.write(first, "k", "v1");

            first.setIsolated(true);
            List<GoltNode> rest = c.nodes().stream().filter(n -> n != first).toList();
            GoltNode second = c.awaitLeader(rest);
            assertThat(second).isNotSameAs(first);
            assertThat(second.driver().term()).isGreaterThan(firstTerm);
            c.write(second, "k", "v2");

            first.setIsolated(false);
            TestCluster.await("old leader follows " + second.settings().id(),
                    () -> first.driver().role() == Role.FOLLOWER && first.driver().leader().equals(c.awaitLeader().settings().id()));
            GoltNode leader = c.awaitLeader();
            c.awaitApplied(first, leader.driver().commitIndex());
            assertThat(TestCluster.read(first, "k")).isEqualTo("v2");
        }
    }
}
