package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void stoppingTheLeaderHandsOverWithoutAnElectionTimeout() {
        // Long election timeouts (1-2 s): a hand-over that relied on one would show, and a starved CI
        // machine does not time out a healthy leader.
        try (TestCluster c = TestCluster.start(3, Map.of(
                "golt.raft.election-ticks-min", "50", "golt.raft.election-ticks-max", "100"))) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            c.write(leader, "k", "v");
            List<GoltNode> rest = c.nodes().stream().filter(n -> n != leader).toList();
            double timeoutsBefore = rest.stream().mapToDouble(n -> c.elections(n.settings().id(), "timeout")).sum();

            leader.shutdownGracefully(5_000);
            c.stop(leader.settings().id());

            GoltNode next = c.awaitLeader(rest);
            c.write(next, "k", "v2");
            double timeoutsAfter = rest.stream().mapToDouble(n -> c.elections(n.settings().id(), "timeout")).sum();
            assertThat(timeoutsAfter).isEqualTo(timeoutsBefore);
            assertThat(c.elections(next.settings().id(), "transfer")).isEqualTo(1);
        }
    }

    @Test
    void aLeaderStoppingWithTheWholeClusterDoesNotWaitOutItsTransferTimeout() {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            c.write(leader, "k", "v");
            // Every follower is gone first (as when all members get SIGTERM at once): the hand-over
            // cannot succeed, and the leader must notice within a few election timeouts (30 ticks of
            // 10 ms here), not after the 20 s it is allowed.
            c.nodes().stream().filter(n -> n != leader).map(n -> n.settings().id()).toList().forEach(c::stop);

            long started = System.nanoTime();
            leader.shutdownGracefully(20_000);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aStoppingNodeRefusesWritesAsUnavailable() {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            GoltNode follower = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
            c.write(follower, "k", "v");

            follower.shutdownGracefully(5_000);

            // retryable elsewhere (503), not an unknown outcome as when a forward is cut (504)
            assertThat(follower.write(TestCluster.put("k", "v2")))
                    .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(NodeException.class,
                            e -> assertThat(e.kind()).isEqualTo(NodeException.Kind.UNAVAILABLE));
            c.stop(follower.settings().id());
        }
    }
}
