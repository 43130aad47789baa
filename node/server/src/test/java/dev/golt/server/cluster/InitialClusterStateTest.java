package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.raft.Role;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeSettings.InitialClusterState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --initial-cluster-state existing} (etcd's flag): a node with an empty data directory never
 * bootstraps, even when it is listed in the initial members, and joins only when the leader adds it.
 * This is what keeps regrown Kubernetes members (new, empty volumes) from founding a second cluster.
 */
class InitialClusterStateTest {

    @Test
    void freshNodesInStateExistingNeverElectALeaderAmongThemselves() throws Exception {
        try (TestCluster c = TestCluster.start(3, Map.of("golt.initial-cluster-state", "existing"))) {
            // Many election timeouts (15..30 ticks of 20 ms): with state "new" these three elect at once.
            Thread.sleep(3_000);
            assertThat(c.nodes()).allSatisfy(n -> {
                assertThat(n.driver().role()).isNotEqualTo(Role.LEADER);
                assertThat(n.driver().status().confState().getVotersList()).isEmpty();
            });
        }
    }

    @Test
    void anEmptyNodeListedInTheInitialMembersJoinsOnlyWhenTheLeaderAddsIt() throws Exception {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeader();
            long index = c.write(leader, "before", "1").index();
            String address = c.reserve("n4");
            // It names itself an initial member, as a regrown StatefulSet pod does.
            GoltNode joined = c.start("n4", List.of("n1", "n2", "n3", "n4"), InitialClusterState.EXISTING);
            Thread.sleep(1_000);
            assertThat(joined.driver().status().confState().getVotersList()).isEmpty();
            assertThat(joined.driver().role()).isNotEqualTo(Role.LEADER);

            c.awaitLeader().addMember("n4", address).get(15, TimeUnit.SECONDS);
            TestCluster.await("n4 promoted to voter",
                    () -> c.awaitLeader().driver().status().confState().getVotersList().contains("n4"));
            c.awaitApplied(joined, index);
            assertThat(TestCluster.read(joined, "before")).isEqualTo("1");
            assertThat(c.awaitLeader().members()).extracting(GoltNode.Member::id)
                    .containsExactlyInAnyOrder("n1", "n2", "n3", "n4");
        }
    }
}
