package dev.golt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golt.server.node.ApplyResult;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeException;
import dev.golt.server.node.RequestDeadline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A write that could not be proposed before its deadline, or whose client went away, is refused as
 * not applied and never enters the log. The leader's driver is stalled so that writes wait in its
 * inbox, as they did behind the stall that issue 17 reports.
 */
class RequestDeadlineTest {

    @Test
    void aWriteThatWaitedPastItsDeadlineIsRefusedAndNeverApplied() throws Exception {
        try (TestCluster c = TestCluster.start(1)) {
            GoltNode leader = c.awaitLeader();
            CountDownLatch release = stall(leader);
            CompletableFuture<ApplyResult> late = leader.write(TestCluster.put("late", "old"), RequestDeadline.after(200));
            waitPast(200);
            release.countDown();

            assertNotApplied(late, "deadline");
            c.write(leader, "after", "1");
            assertThat(TestCluster.read(leader, "late")).isNull();
            assertThat(dropped(c, "n1", "expired")).isEqualTo(1);
            assertThat(dropped(c, "n1", "disconnected")).isZero();
        }
    }

    @Test
    void aWriteWhoseClientDisconnectedIsRefusedAndNeverApplied() throws Exception {
        try (TestCluster c = TestCluster.start(1)) {
            GoltNode leader = c.awaitLeader();
            CountDownLatch release = stall(leader);
            AtomicBoolean gone = new AtomicBoolean();
            CompletableFuture<ApplyResult> abandoned = leader.write(TestCluster.put("abandoned", "old"),
                    RequestDeadline.after(TestCluster.WAIT.toMillis(), gone::get));
            gone.set(true);
            release.countDown();

            assertNotApplied(abandoned, "disconnected");
            c.write(leader, "after", "1");
            assertThat(TestCluster.read(leader, "abandoned")).isNull();
            assertThat(dropped(c, "n1", "disconnected")).isEqualTo(1);
        }
    }

    @Test
    void aWriteForwardedByAFollowerKeepsItsDeadlineOnTheLeader() throws Exception {
        try (TestCluster c = TestCluster.start(3)) {
            GoltNode leader = c.awaitLeaderKnownByAll();
            GoltNode follower = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
            CountDownLatch release = stall(leader);
            // long enough for the forward to reach the stalled leader's inbox on a busy machine
            CompletableFuture<ApplyResult> late = follower.write(TestCluster.put("late", "old"), RequestDeadline.after(1_000));
            waitPast(1_000);
            release.countDown();

            assertNotApplied(late, "deadline");
            assertThat(dropped(c, leader.settings().id(), "expired")).isEqualTo(1);
            GoltNode now = c.awaitLeaderKnownByAll();
            c.awaitApplied(now, c.write(now, "after", "1").index());
            assertThat(TestCluster.read(now, "late")).isNull();
        }
    }

    /** Waits until a deadline of {@code millis} set before this call has surely passed, also on the leader it was forwarded to. */
    private static void waitPast(long millis) {
        RequestDeadline margin = RequestDeadline.after(millis + 500);
        TestCluster.await("the deadline to pass", () -> margin.remainingMillis() == 0);
    }

    /** Blocks the node's driver thread until the returned latch is released. */
    private static CountDownLatch stall(GoltNode node) {
        CountDownLatch release = new CountDownLatch(1);
        node.driver().execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }

    private static void assertNotApplied(CompletableFuture<ApplyResult> write, String why) {
        assertThatThrownBy(() -> write.get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .extracting(e -> GoltNode.unwrap(e.getCause()))
                .isInstanceOfSatisfying(NodeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(NodeException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("not applied").contains(why);
                });
    }

    private static double dropped(TestCluster c, String id, String reason) {
        return c.metrics(id).get("golt.requests.dropped").tag("reason", reason).counter().count();
    }
}
