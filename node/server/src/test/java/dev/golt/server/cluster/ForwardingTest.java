package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.ApplyResult;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Writes through a follower share one forward stream to the leader: many in flight, each answered once. */
class ForwardingTest {

    @Test
    void concurrentWritesThroughAFollowerEachGetTheirOwnAnswer() throws Exception {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            GoltNode follower = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
            List<CompletableFuture<ApplyResult>> writes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                writes.add(follower.write(TestCluster.put("k" + i, "v" + i)));
            }
            Set<Long> indexes = new HashSet<>();
            for (CompletableFuture<ApplyResult> w : writes) {
                indexes.add(w.get(60, TimeUnit.SECONDS).index());
            }
            assertThat(indexes).hasSize(300);
            c.awaitApplied(follower, indexes.stream().mapToLong(Long::longValue).max().orElseThrow());
            assertThat(TestCluster.read(follower, "k299")).isEqualTo("v299");

            // the stream to a stopped leader breaks: a forwarded write is answered (an error, or applied
            // by a new leader if this follower already took over), never left hanging
            c.stop(leader.settings().id());
            CompletableFuture<ApplyResult> late = follower.write(TestCluster.put("late", "x"));
            try {
                assertThat(late.get(30, TimeUnit.SECONDS).index()).isPositive();
            } catch (ExecutionException e) {
                assertThat(GoltNode.unwrap(e.getCause())).isInstanceOf(NodeException.class);
            }

            GoltNode next = c.awaitLeaderKnownByAll();
            GoltNode other = c.nodes().stream().filter(n -> n != next).findFirst().orElseThrow();
            assertThat(c.write(other, "after", "y").index()).isPositive();
        }
    }
}
