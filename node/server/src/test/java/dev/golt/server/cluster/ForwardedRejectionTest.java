package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A follower that forwards a request the leader rejects answers with the leader's kind of error. */
class ForwardedRejectionTest {

    @Test
    void aFollowerAnswersAsTheLeaderWouldWhenATransferNamesNoSuchVoter() {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            GoltNode follower = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();

            // A follower does not check the target itself: only the leader knows n9 is no voter, and says so by kind.
            assertThat(follower.transferLeadership("n9")).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .satisfies(e -> assertThat(((NodeException) GoltNode.unwrap(e.getCause())).kind())
                            .isEqualTo(NodeException.Kind.NOT_FOUND));
        }
    }
}
