package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A member restarted on its own data after membership changes comes back with the configuration
 * they left, read through the real WAL: the snapshot's configuration (which the WAL stores) plus
 * the conf changes after it (which only the core interprets).
 */
class MembershipRestartTest {

    @Test
    void aMemberRestartedAfterAnAdditionBeforeItsSnapshotAndARemovalAfterItKnowsTheCurrentMembers() throws Exception {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            String address = c.reserve("n4");
            GoltNode n4 = c.start("n4", List.of("n1", "n2", "n3"));
            leader.addMember("n4", address).get(15, TimeUnit.SECONDS);
            TestCluster.await("n4 promoted to voter",
                    () -> c.awaitLeader().driver().status().confState().getVotersList().contains("n4"));

            List<GoltNode> followers = c.nodes().stream().filter(n -> n != leader && n != n4).toList();
            GoltNode restarting = followers.get(0);
            String removed = followers.get(1).settings().id();
            c.awaitApplied(restarting, c.write(c.awaitLeader(), "before-snapshot", "1").index());
            long snapshot = restarting.snapshotNow().get(30, TimeUnit.SECONDS);

            c.removeMember(removed);
            c.stop(removed);
            long last = c.write(c.awaitLeader(), "after-removal", "1").index();
            c.awaitApplied(restarting, last);

            String id = restarting.settings().id();
            c.stop(id);
            GoltNode restarted = c.start(id);

            assertThat(restarted.driver().snapshotIndex()).isGreaterThanOrEqualTo(snapshot);
            assertThat(restarted.driver().status().confState().getVotersList()).containsExactlyInAnyOrder(
                    Stream.of("n1", "n2", "n3", "n4").filter(m -> !m.equals(removed)).toArray(String[]::new));
            assertThat(restarted.driver().status().confState().getLearnersList()).isEmpty();
            c.awaitApplied(restarted, c.write(c.awaitLeader(), "after-restart", "1").index());
            assertThat(TestCluster.read(restarted, "after-restart")).isEqualTo("1");
        }
    }
}
