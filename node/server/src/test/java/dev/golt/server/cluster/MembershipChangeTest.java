package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MembershipChangeTest {

    @Test
    void addedLearnerIsPromotedAndARemovedMemberLeavesUnderLoad() throws Exception {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeader();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acked = new AtomicLong();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        c.awaitLeader().write(TestCluster.put("load" + i, "v" + i)).get(10, TimeUnit.SECONDS);
                        acked.incrementAndGet();
                    } catch (Exception e) {
                        // leader changes may fail single writes; the load goes on
                    }
                }
            });

            String address = c.reserve("n4");
            GoltNode n4 = c.start("n4", List.of("n1", "n2", "n3"));
            // added through a follower: forwarded
            GoltNode via = c.nodes().stream().filter(n -> n != leader && n != n4).findFirst().orElseThrow();
            via.addMember("n4", address).get(15, TimeUnit.SECONDS);
            TestCluster.await("n4 promoted to voter",
                    () -> c.awaitLeader().driver().status().confState().getVotersList().contains("n4"));
            assertThat(via.addMember("n4", address).get(15, TimeUnit.SECONDS)).isNotNull();

            String removed = via.settings().id();
            c.removeMember(removed);
            TestCluster.await(removed + " gone from the membership",
                    () -> !c.awaitLeader().driver().status().confState().getVotersList().contains(removed));
            stop.set(true);
            load.get(30, TimeUnit.SECONDS);
            assertThat(acked.get()).isPositive();

            GoltNode l = c.awaitLeader();
            long last = c.write(l, "final", "1").index();
            c.awaitApplied(n4, last);
            assertThat(TestCluster.read(n4, "load0")).isEqualTo("v0");
            assertThat(l.members()).extracting(GoltNode.Member::id).containsExactlyInAnyOrder(
                    List.of("n1", "n2", "n3", "n4").stream().filter(id -> !id.equals(removed)).toArray(String[]::new));
        }
    }
}
