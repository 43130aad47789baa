package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.fake.FakeGoltCluster;
import dev.golt.operator.fake.FakeWorld;
import dev.golt.operator.fake.TestPods;
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

    private StepResult roll(FakeWorld world) {
        return roller(world).roll(world.state(), world::state);
    }

    /** Runs the roller like successive reconciliations, the StatefulSet controller bringing pods back ready. */
    private void rollToCompletion(FakeWorld world) {
        for (int i = 0; i < 20; i++) {
            StepResult result = roll(world);
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
        assertThat(roll(world).isDone()).isTrue();
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
        assertThat(roll(world).reason()).isEqualTo(GoltRoller.REASON_RESTARTING);
        world.recreate("kv-0", false);
        StepResult result = roll(world);
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
        StepResult result = roll(world);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_WAITING);
        assertThat(world.deleted).isEmpty();
        world.nodes.node("kv-2").applied = world.nodes.commitIndex();
        assertThat(roll(world).reason()).isEqualTo(GoltRoller.REASON_RESTARTING);
        assertThat(world.deleted).containsExactly("kv-1");
    }

    @Test
    void refusesWhenARestartWouldLoseQuorum() {
        FakeWorld world = world(2, "kv-0");
        world.setUpdateRevision("rev-2");
        StepResult result = roll(world);
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_QUORUM_AT_RISK);
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void restartsAnUnhealthyPodFirstBecauseThatLowersNothing() {
        FakeWorld world = world(3, "kv-0");
        world.setUpdateRevision("rev-2");
        world.nodes.node("kv-2").up = false;
        roll(world);
        assertThat(world.deleted).containsExactly("kv-2");
    }

    @Test
    void resumesAfterTheOperatorRestartsMidRoll() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        roll(world);
        world.recreate("kv-0", true);
        // A brand-new roller (operator restarted) derives the progress from the pods alone.
        GoltRoller fresh = new GoltRoller(world.nodes, world, Clock.fixed(world.now, ZoneOffset.UTC), () -> { });
        fresh.roll(world.state(), world::state);
        assertThat(world.deleted).containsExactly("kv-0", "kv-2");
    }

    @Test
    void aPodThatNeverBecomesReadyStopsTheRollDegraded() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        roll(world);
        world.recreate("kv-0", false);
        world.now = world.now.plusSeconds(world.model.readyTimeoutSeconds() + 1);
        StepResult result = roll(world);
        assertThat(result.kind()).isEqualTo(StepResult.Kind.DEGRADED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_POD_NOT_READY);
        assertThat(world.deleted).containsExactly("kv-0");
    }

    @Test
    void aPodCarryingTheRestartAnnotationButTheUpdateRevisionIsNotRestartedAgain() {
        FakeWorld world = world(3, "kv-0");
        // What a roll for golt.dev/restart: "true" leaves behind: the annotation is in every pod.
        world.pods.values().forEach(p -> p.getMetadata().setAnnotations(Map.of("golt.dev/restart", "true")));
        assertThat(roll(world).isDone()).isTrue();
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void aOneMemberClusterRestartsWithoutTransfer() {
        FakeWorld world = world(1, "kv-0");
        world.setUpdateRevision("rev-2");
        // One member: restarted without transfer (nobody to hand leadership to).
        roll(world);
        assertThat(world.deleted).containsExactly("kv-0");
        assertThat(world.nodes.log).noneMatch(l -> l.startsWith("transfer"));
    }

    @Test
    void aFailedLeadershipTransferBlocksTheLeadersRestart() {
        FakeWorld world = world(3, "kv-0");
        world.setUpdateRevision("rev-2");
        world.pod("kv-1", "rev-2", true).pod("kv-2", "rev-2", true);
        world.nodes.failTransfers = true;
        StepResult result = roll(world);
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_TRANSFER_FAILED);
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void restartsNothingReadyWhileNoLeaderIsKnown() {
        FakeWorld world = world(3, "kv-0");
        world.setUpdateRevision("rev-2");
        world.nodes.node("kv-0").up = false;
        StepResult result = roll(world);
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
        roll(world);
        assertThat(world.deleted).containsExactly("kv-0");
    }

    @Test
    void membersOfAThreeMemberClusterGoThroughTheEvictionApiAndTheSingleMemberIsDeleted() {
        FakeWorld three = world(3, "kv-1");
        three.setUpdateRevision("rev-2");
        rollToCompletion(three);
        assertThat(three.restarts).containsExactly("evict kv-0", "evict kv-2", "evict kv-1");
        FakeWorld one = world(1, "kv-0");
        one.setUpdateRevision("rev-2");
        roll(one);
        assertThat(one.restarts).containsExactly("delete kv-0");
    }

    @Test
    void anEvictionTheBudgetRefusesIsRetriedOnTheNextPass() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        world.budgetRefuses = true;
        StepResult refused = roll(world);
        assertThat(refused.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(refused.reason()).isEqualTo(GoltRoller.REASON_EVICTION_REFUSED);
        assertThat(world.deleted).isEmpty();
        world.budgetRefuses = false;
        assertThat(roll(world).reason()).isEqualTo(GoltRoller.REASON_RESTARTING);
        assertThat(world.deleted).containsExactly("kv-0");
    }

    @Test
    void aMemberThatCrashesBetweenTheDecisionAndTheRestartStopsTheRoll() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        StepResult result = roller(world).roll(world.state(), () -> {
            world.nodes.node("kv-2").up = false;
            return world.state();
        });
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_QUORUM_AT_RISK);
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void aPodReplacedBetweenTheDecisionAndTheRestartIsLeftAlone() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        StepResult result = roller(world).roll(world.state(), () -> {
            world.pods.put("kv-0", TestPods.pod(world.model, "kv-0", "rev-1", true, world.now.minusSeconds(1)));
            return world.state();
        });
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_WAITING);
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void waitsUntilTheStatefulSetControllerHasSeenTheLatestTemplate() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        world.statefulSet.getMetadata().setGeneration(2L);
        world.statefulSet.getStatus().setObservedGeneration(1L);
        StepResult result = roll(world);
        assertThat(result.reason()).isEqualTo(GoltRoller.REASON_WAITING_FOR_STATEFULSET);
        assertThat(world.deleted).isEmpty();
        world.statefulSet.getStatus().setObservedGeneration(2L);
        assertThat(roll(world).reason()).isEqualTo(GoltRoller.REASON_RESTARTING);
    }

    @Test
    void aPodStuckTerminatingPastItsGracePeriodStopsTheRollDegradedNamingThePod() {
        FakeWorld world = world(3, "kv-1");
        world.setUpdateRevision("rev-2");
        world.pods.get("kv-0").getMetadata().setDeletionTimestamp(world.now.minusSeconds(10).toString());
        StepResult waiting = roll(world);
        assertThat(waiting.kind()).isEqualTo(StepResult.Kind.BUSY);
        assertThat(waiting.message()).contains("kv-0");
        world.pods.get("kv-0").getMetadata().setDeletionTimestamp(
                world.now.minus(GoltRoller.TERMINATING_MARGIN).minusSeconds(1).toString());
        StepResult stuck = roll(world);
        assertThat(stuck.kind()).isEqualTo(StepResult.Kind.DEGRADED);
        assertThat(stuck.reason()).isEqualTo(GoltRoller.REASON_STUCK_TERMINATING);
        assertThat(stuck.message()).contains("kv-0");
        assertThat(world.deleted).isEmpty();
    }

    @Test
    void aTerminatingLeaderThatStillAnswersIsStillSeenAsLeaderButNotAsHealthy() {
        FakeWorld world = world(3, "kv-0");
        world.pods.get("kv-0").getMetadata().setDeletionTimestamp(world.now.plusSeconds(30).toString());
        ClusterState state = world.state();
        assertThat(state.leaderId()).contains("kv-0");
        assertThat(state.terminating("kv-0")).isTrue();
        assertThat(state.healthy("kv-0")).isFalse();
        assertThat(state.available()).isTrue();
    }
}
