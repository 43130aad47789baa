package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.fake.FakeGoltCluster;
import dev.golt.operator.fake.FakeWorld;
import dev.golt.operator.model.GoltClusterModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the bootstrap ConfigMap flips to "existing": the data-loss-on-regrow fix hangs on this decision. */
class BootstrapTest {

    private static final List<String> INITIAL = List.of("kv-0", "kv-1", "kv-2");

    private static FakeWorld world(String... voters) {
        GoltClusterModel model = new GoltClusterModel(TestClusters.cluster("kv", 3));
        FakeWorld world = new FakeWorld(model, new FakeGoltCluster().bootstrap(voters), 3, "rev-1");
        INITIAL.forEach(id -> world.pod(id, "rev-1", true));
        return world;
    }

    @Test
    void theClusterHasFormedOnceALeaderReportsEveryInitialMember() {
        assertThat(Bootstrap.formed(null, INITIAL, world("kv-0", "kv-1", "kv-2").state())).isTrue();
    }

    @Test
    void itHasNotFormedWhileNoLeaderAnswers() {
        FakeWorld world = world("kv-0", "kv-1", "kv-2");
        INITIAL.forEach(id -> world.nodes.node(id).up = false);
        assertThat(Bootstrap.formed(null, INITIAL, world.state())).isFalse();
    }

    @Test
    void itHasNotFormedWhileAnInitialMemberHasNotStartedYet() {
        // Its first start must still read "new", or it would wait for an add that never comes.
        FakeWorld world = world("kv-0", "kv-1", "kv-2");
        world.nodes.node("kv-2").up = false;
        assertThat(Bootstrap.formed(null, INITIAL, world.state())).isFalse();
    }

    @Test
    void aLeaderWithoutEveryInitialMemberIsNotProofOfFormation() {
        assertThat(Bootstrap.formed(false, INITIAL, world("kv-0").state())).isFalse();
    }

    @Test
    void onceRecordedItStaysFormedWhateverTheClusterLooksLikeNow() {
        // 3 -> 1 with claims deleted: the leader's configuration is kv-0 alone, and nobody may bootstrap again.
        FakeWorld shrunk = world("kv-0");
        shrunk.nodes.node("kv-0").up = false;
        assertThat(Bootstrap.formed(true, INITIAL, shrunk.state())).isTrue();
    }
}
