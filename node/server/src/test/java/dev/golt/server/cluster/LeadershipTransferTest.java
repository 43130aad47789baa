package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeadershipTransferTest {

    @Test
    void transferHandsLeadershipToTheNamedMember() throws Exception {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            c.write(leader, "k", "v");
            GoltNode target = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
            String targetId = target.settings().id();
            double before = c.elections(targetId, "transfer");

            // asked through a follower: forwarded to the leader
            GoltNode via = c.nodes().stream().filter(n -> n != leader && n != target).findFirst().orElseThrow();
            String newLeader = via.transferLeadership(targetId).get(15, TimeUnit.SECONDS);

            assertThat(newLeader).isEqualTo(targetId);
            assertThat(c.awaitLeader()).isSameAs(target);
            assertThat(c.elections(targetId, "transfer")).isEqualTo(before + 1);
            c.write(via, "k", "v2");
        }
    }
}
