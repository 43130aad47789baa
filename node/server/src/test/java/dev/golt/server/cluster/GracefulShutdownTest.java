package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void stoppingTheLeaderHandsOverWithoutAnElectionTimeout() {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeader();
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
}
