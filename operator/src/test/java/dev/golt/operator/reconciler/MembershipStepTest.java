package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.fake.FakeGoltCluster;
import dev.golt.operator.fake.FakeWorld;
import dev.golt.operator.model.GoltClusterModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipStepTest {

    private final List<String> changes = new ArrayList<>();

    private static FakeWorld world(int specReplicas, int running, String... voters) {
        GoltClusterModel model = new GoltClusterModel(TestClusters.cluster("kv", specReplicas));
        FakeGoltCluster nodes = new FakeGoltCluster().bootstrap(voters);
        nodes.setAutoPromote(false);
        FakeWorld world = new FakeWorld(model, nodes, running, "rev-1");
        model.memberIds(running).forEach(id -> world.pod(id, "rev-1", true));
        return world;
    }

    private MembershipStep step(FakeWorld world) {
        return new MembershipStep(world.nodes, changes::add);
    }

    /** One reconciliation: size the StatefulSet (pods follow), then run the membership step. */
    private StepResult reconcile(FakeWorld world, int desired) {
        int size = MembershipStep.statefulSetReplicas(world.state(), desired);
        world.setStatefulSetReplicas(size);
        world.pods.keySet().removeIf(id -> world.model.ordinalOf(id) >= size);
        for (String id : world.model.memberIds(size)) {
            if (!world.pods.containsKey(id)) {
                world.pod(id, "rev-1", true);
            }
        }
        return step(world).reconcile(world.state(), desired);
    }

    @Test
    void scaleUpThreeToFiveAddsLearnersWithTheirStableAddresses() {
        FakeWorld world = world(5, 3, "kv-0", "kv-1", "kv-2");
        StepResult result = reconcile(world, 5);
        assertThat(result.reason()).isEqualTo(MembershipStep.REASON_ADDING);
        assertThat(world.nodes.log).containsExactly(
                "add kv-3 kv-3.kv-headless.ns.svc.cluster.local:7000",
                "add kv-4 kv-4.kv-headless.ns.svc.cluster.local:7000");
        assertThat(world.nodes.members()).containsEntry("kv-3", "learner").containsEntry("kv-4", "learner");
        assertThat(reconcile(world, 5).reason()).isEqualTo(MembershipStep.REASON_PROMOTING);
        world.nodes.promoteLearners();
        assertThat(reconcile(world, 5).isDone()).isTrue();
        assertThat(world.statefulSet.getSpec().getReplicas()).isEqualTo(5);
        assertThat(changes).containsExactly("added", "added");
    }

    @Test
    void scaleUpOneToThree() {
        FakeWorld world = world(3, 1, "kv-0");
        reconcile(world, 3);
        world.nodes.promoteLearners();
        assertThat(reconcile(world, 3).isDone()).isTrue();
        assertThat(world.nodes.members().keySet()).containsExactly("kv-0", "kv-1", "kv-2");
        assertThat(world.nodes.members().values()).containsOnly("voter");
    }

    @Test
    void scaleDownFiveToThreeRemovesMembersBeforePodsAndTheLeaderLast() {
        FakeWorld world = world(3, 5, "kv-0", "kv-1", "kv-2", "kv-3", "kv-4");
        world.nodes.setLeader("kv-4");
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            StepResult result = reconcile(world, 3);
            sizes.add(world.statefulSet.getSpec().getReplicas());
            if (result.isDone()) {
                break;
            }
        }
        assertThat(world.nodes.log).containsExactly("remove kv-3", "transfer kv-4->kv-0", "remove kv-4");
        // The StatefulSet never shrank below a configured member.
        assertThat(sizes.get(0)).isEqualTo(5);
        assertThat(sizes.get(sizes.size() - 1)).isEqualTo(3);
        assertThat(world.nodes.members().keySet()).containsExactly("kv-0", "kv-1", "kv-2");
        assertThat(world.pods.keySet()).containsExactly("kv-0", "kv-1", "kv-2");
        assertThat(changes).containsExactly("removed", "removed");
    }

    @Test
    void statefulSetKeepsEveryConfiguredMember() {
        FakeWorld world = world(3, 5, "kv-0", "kv-1", "kv-2", "kv-3", "kv-4");
        assertThat(MembershipStep.statefulSetReplicas(world.state(), 3)).isEqualTo(5);
        world.nodes.node("kv-0").up = false;
        world.nodes.node("kv-1").up = false;
        world.nodes.node("kv-2").up = false;
        world.nodes.node("kv-3").up = false;
        world.nodes.node("kv-4").up = false;
        // Membership unknown: never shrink blindly.
        assertThat(MembershipStep.statefulSetReplicas(world.state(), 3)).isEqualTo(5);
        assertThat(MembershipStep.statefulSetReplicas(world.state(), 7)).isEqualTo(7);
    }

    @Test
    void operatorStoppingBetweenMemberRemovalAndPodDeletionResumesSafely() {
        FakeWorld world = world(3, 5, "kv-0", "kv-1", "kv-2", "kv-3", "kv-4");
        // The previous operator removed kv-4 and stopped before the StatefulSet shrank.
        world.nodes.removeMember(java.net.URI.create("http://fake/kv-0"), "kv-4");
        world.nodes.log.clear();
        assertThat(world.pods).containsKey("kv-4");
        assertThat(MembershipStep.statefulSetReplicas(world.state(), 3)).isEqualTo(4);
        StepResult result = reconcile(world, 3);
        assertThat(world.pods).doesNotContainKey("kv-4");
        assertThat(result.reason()).isEqualTo(MembershipStep.REASON_REMOVING);
        assertThat(world.nodes.log).containsExactly("remove kv-3");
        assertThat(reconcile(world, 3).isDone()).isTrue();
        assertThat(world.pods.keySet()).containsExactly("kv-0", "kv-1", "kv-2");
    }

    @Test
    void refusesToShrinkBelowTheHealthyMembers() {
        FakeWorld world = world(1, 3, "kv-0", "kv-1", "kv-2");
        world.nodes.node("kv-1").up = false;
        StepResult result = reconcile(world, 1);
        assertThat(result.kind()).isEqualTo(StepResult.Kind.BLOCKED);
        assertThat(result.reason()).isEqualTo(MembershipStep.REASON_SCALE_DOWN_BLOCKED);
        assertThat(world.nodes.log).isEmpty();
        assertThat(world.statefulSet.getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void changesNothingWithoutALeader() {
        FakeWorld world = world(5, 3, "kv-0", "kv-1", "kv-2");
        world.nodes.node("kv-0").up = false;
        StepResult result = reconcile(world, 5);
        assertThat(result.reason()).isEqualTo(MembershipStep.REASON_NO_LEADER);
        assertThat(world.nodes.log).isEmpty();
        assertThat(changes).isEmpty();
    }

    @Test
    void aMemberThatLostItsDataIsRemovedAndAddedAgainAsALearner() {
        FakeWorld world = world(3, 3, "kv-0", "kv-1", "kv-2");
        world.nodes.node("kv-2").lostData = true;

        StepResult first = reconcile(world, 3);
        assertThat(first.reason()).isEqualTo(MembershipStep.REASON_REPLACING_LOST_MEMBER);
        assertThat(world.nodes.log).containsExactly("remove kv-2");
        StepResult second = reconcile(world, 3);
        assertThat(second.reason()).isEqualTo(MembershipStep.REASON_ADDING);
        assertThat(world.nodes.log).containsExactly("remove kv-2", "add kv-2 kv-2.kv-headless.ns.svc.cluster.local:7000");
        world.nodes.promoteLearners();
        assertThat(reconcile(world, 3).isDone()).isTrue();
        assertThat(changes).containsExactly("removed", "added");
    }

    @Test
    void aMemberThatLostItsDataIsNotRemovedWhenTheRestHaveNoQuorumWithoutIt() {
        FakeWorld world = world(3, 3, "kv-0", "kv-1", "kv-2");
        world.nodes.node("kv-1").lostData = true;
        world.nodes.node("kv-2").lostData = true;

        StepResult result = reconcile(world, 3);
        assertThat(result.kind()).isEqualTo(StepResult.Kind.DEGRADED);
        assertThat(result.reason()).isEqualTo(MembershipStep.REASON_REPLACING_LOST_MEMBER);
        assertThat(world.nodes.log).isEmpty();
    }

    @Test
    void aLearnerThatHasReceivedNothingYetIsNotMistakenForALostMember() {
        FakeWorld world = world(4, 3, "kv-0", "kv-1", "kv-2");
        reconcile(world, 4);
        world.nodes.node("kv-3").applied = 0;
        world.nodes.node("kv-3").lostData = true;
        assertThat(reconcile(world, 4).reason()).isEqualTo(MembershipStep.REASON_PROMOTING);
        assertThat(world.nodes.log).containsExactly("add kv-3 kv-3.kv-headless.ns.svc.cluster.local:7000");
    }
}
