package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.fake.FakeGoltCluster;
import dev.golt.operator.fake.FakeWorld;
import dev.golt.operator.model.GoltClusterModel;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GoltRollerTest {

    private final AtomicInteger restarts = new AtomicInteger();

    private FakeWorld world(int replicas, String leader) {
        GoltClusterModel model = new GoltClusterModel(TestClusters.cluster("kv", replicas));
        FakeGoltCluster nodes = new FakeGoltCluster().bootstrap(model.memberIds(replicas).toArray(String[]::new));
        nodes.setLeader(leader);
        FakeWorld world = new FakeWorld(model, nodes, replicas, "rev-1");
        model.memberIds(replicas).forEach(id -> world.pod(id, "rev-1", true));
        return world;
    }

    private GoltRoller roller(FakeWorld world) {
        return new GoltRoller(world.nodes, world, Clock.fixed(world.now, ZoneOffset.UTC), restarts::incrementAndGet);
    }

    /** Runs the roller like successive reconciliations, the StatefulSet controller bringing pods back ready. */
    private void rollToCompletion(FakeWorld world) {
        for (int i = 0; i < 20; i++) {
            StepResult result = roller(world).roll(world.state());
            if (result.isDone()) {
                return;
            }
            assertThat(result.kind()).isEqualTo(StepResult.Kind.BUSY);
            for (String id : List.copyOf(world.deleted)) {
                if (!world.pods.containsKey(id)) {
                    world.recreate(id, true);
                }
            }
        }
        throw new AssertionError("roll did not finish");
    }

    @Test
    void nothingToDoWhenEveryPodRunsTheCurrentRevision() {
        FakeWorld world = world(3, "kv-0");
        assertThat(roller(world).roll(world.state()).isDone()).isTrue();
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void restartsFollowersFirstThenTheLeaderAfterATransfer() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        rollToCompletion(world);
        assertThat(world.nodes.log).containsExactly("delete pod kv-0", "delete pod kv-2", "transfer kv-1->kv-0",
                "delete pod kv-1");
        assertThat(restarts).hasValue(3);
        assertThat(world.pods.values()).allSatisfy(p ->
                assertThat(p.getMetadata().getLabels()).containsEntry(ClusterState.REVISION_LABEL, "rev-2"));
    }

    @Test
    void waitsForTheRestartedPodToBecomeReady() {
        FakeWorld world = world(3, "kv-2");
        world.setUpdateRevision("rev-2");
        assertThat(roller(world).roll(world.state()).reason()).isEqualTo(GoltRoller.REASON_RESTARTING);
        world.recreate("kv-0", false);
        StepResult result = roller(world).roll(world.state());
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BUSY);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_WAITING);
        assertThat(world.deleted).containsExactly("kv-0");
    }

    @Test
    void refusesWhileAnotherMemberIsLagging() {
        FakeWorld world = world(3, "kv-0");
        world.pods.put("kv-2", dev.golt.operator.fake.TestPods.pod(world.model, "kv-2", "rev-2", true, world.now));
        world.setUpdateRevision("rev-2");
        world.nodes.node("kv-2").applied = world.nodes.commitIndex() - 5_000;
        StepResult result = roller(world).roll(world.state());
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_WAITING);
        assertThat(world.deleted).isEmpty();
        world.nodes.node("kv-2").applied = world.nodes.commitIndex();
        assertThat(roller(world).roll(world.state()).reason()).isEqualTo(GoltRoller.REASON_RESTARTING);
        assertThat(world.deleted).containsExactly("kv-1");
    }

    @Test
    void refusesWhenARestartWouldLoseQuorum() {
        FakeWorld world = world(2, "kv-0");
        world.setUpdateRevision("rev-2");
        StepResult result = roller(world).roll(world.state());
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_QUORUM_AT_RISK);
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void restartsAnUnhealthyPodFirstBecauseThatLowersNothing() {
        FakeWorld world = world(3, "kv-0");
        world.setUpdateRevision("rev-2");
        world.nodes.node("kv-2").up = false;
        roller(world).roll(world.state());
        assertThat(world.deleted).containsExactly("kv-2");
    }

    @Test
    void resumesAfterTheOperatorRestartsMidRoll() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        roller(world).roll(world.state());
        world.recreate("kv-0", true);
        // A brand-new roller (operator restarted) derives the progress from the pods alone.
        GoltRoller fresh = new GoltRoller(world.nodes, world, Clock.fixed(world.now, ZoneOffset.UTC), () -> { });
        fresh.roll(world.state());
        assertThat(world.deleted).containsExactly("kv-0", "kv-2");
    }

    @Test
    void aPodThatNeverBecomesReadyStopsTheRollDegraded() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        roller(world).roll(world.state());
        world.recreate("kv-0", false);
        world.now = world.now.plusSeconds(world.model.readyTimeoutSeconds() + 1);
        StepResult result = roller(world).roll(world.state());
        assertThat(result.kind()).isEqualTo(StepResult.Kind.DEGRADED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_POD_NOT_READY);
        assertThat(world.deleted).containsExactly("kv-0");
    }

    @Test
    void restartAnnotationOnAPodRestartsOnlyThatPod() {
        FakeWorld world = world(3, "kv-0");
        world.pods.get("kv-2").getMetadata().setAnnotations(Map.of("golt.dev/restart", "true"));
        rollToCompletion(world);
        assertThat(world.deleted).containsExactly("kv-2");
    }

    @Test
    void aOneMemberClusterRestartsWithoutTransfer() {
        FakeWorld world = world(1, "kv-0");
        world.setUpdateRevision("rev-2");
        // One member: restarted without transfer (nobody to hand leadership to).
        roller(world).roll(world.state());
        assertThat(world.deleted).containsExactly("kv-0");
        assertThat(world.nodes.log).noneMatch(l -> l.startsWith("transfer"));
    }

    @Test
    void aFailedLeadershipTransferBlocksTheLeadersRestart() {
        FakeWorld world = world(3, "kv-0");
        world.pods.get("kv-0").getMetadata().setAnnotations(Map.of("golt.dev/restart", "true"));
        world.nodes.failTransfers = true;
        StepResult result = roller(world).roll(world.state());
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_TRANSFER_FAILED);
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void restartsNothingReadyWhileNoLeaderIsKnown() {
        FakeWorld world = world(3, "kv-0");
        world.setUpdateRevision("rev-2");
        world.nodes.node("kv-0").up = false;
        StepResult result = roller(world).roll(world.state());
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_QUORUM_AT_RISK);
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void restartsPodsKubernetesReportsNotReadyEvenWithoutQuorum() {
        FakeWorld world = world(3, "kv-0");
        world.setUpdateRevision("rev-2");
        for (String id : List.of("kv-0", "kv-1", "kv-2")) {
            world.nodes.node(id).up = false;
            world.pods.put(id, dev.golt.operator.fake.TestPods.pod(world.model, id, "rev-1", false, world.now));
        }
        roller(world).roll(world.state());
        assertThat(world.deleted).containsExactly("kv-0");
    }
}
