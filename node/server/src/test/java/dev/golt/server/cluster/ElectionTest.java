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

    @Test
    void isolatedFollowerOnlyPreVotesAndCountsNoElection() {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            long term = leader.driver().term();
            GoltNode follower = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
            String id = follower.settings().id();
            double timeoutsBefore = c.elections(id, "timeout");
            double preVotesBefore = c.metrics(id).get("golt.raft.prevote.campaigns").counter().count();

            follower.setIsolated(true);
            TestCluster.await(id + " pre-votes again and again",
                    () -> c.metrics(id).get("golt.raft.prevote.campaigns").counter().count() >= preVotesBefore + 2);
            assertThat(follower.driver().term()).as("an unanswered pre-vote never raises the term").isEqualTo(term);
            assertThat(c.elections(id, "timeout")).as("pre-votes are not elections").isEqualTo(timeoutsBefore);

            follower.setIsolated(false);
            TestCluster.await(id + " follows " + leader.settings().id() + " again",
                    () -> follower.driver().leader().equals(leader.settings().id()));
            assertThat(c.awaitLeader()).isSameAs(leader);
            assertThat(leader.driver().term()).isEqualTo(term);
            assertThat(c.elections(id, "timeout")).isEqualTo(timeoutsBefore);
        }
    }
}
