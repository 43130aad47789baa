package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.SnapshotSpec;
import dev.golt.operator.crd.SnapshotStatus;
import dev.golt.operator.fake.FakeGoltCluster;
import dev.golt.operator.fake.FakeWorld;
import dev.golt.operator.model.GoltClusterModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotStepTest {

    private static final String CREATED = "2026-01-01T00:00:00Z";

    private static FakeWorld world(GoltCluster cluster) {
        GoltClusterModel model = new GoltClusterModel(cluster);
        FakeWorld world = new FakeWorld(model, new FakeGoltCluster().bootstrap("kv-0", "kv-1", "kv-2"), 3, "r");
        model.memberIds(3).forEach(id -> world.pod(id, "r", true));
        return world;
    }

    private static SnapshotStep step(Instant now, FakeWorld world) {
        return new SnapshotStep(world.nodes, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void scheduleIsDueAfterTheIntervalSinceTheLastSnapshot() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        cluster.getSpec().snapshots = new SnapshotSpec();
        cluster.getSpec().snapshots.intervalSeconds = 3600L;
        FakeWorld world = world(cluster);
        Instant created = Instant.parse(CREATED);
        assertThat(step(created.plusSeconds(3599), world).due(world.state(), null, CREATED)).isFalse();
        assertThat(step(created.plusSeconds(3600), world).due(world.state(), null, CREATED)).isTrue();
        SnapshotStatus last = new SnapshotStatus();
        last.time = created.plusSeconds(3600).toString();
        assertThat(step(created.plusSeconds(7000), world).due(world.state(), last, CREATED)).isFalse();
        assertThat(step(created.plusSeconds(7000), world).untilNext(world.state(), last, CREATED))
                .contains(Duration.ofSeconds(200));
    }

    @Test
    void noScheduleNoSnapshotUnlessAnnotated() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        FakeWorld world = world(cluster);
        Instant later = Instant.parse(CREATED).plus(Duration.ofDays(30));
        assertThat(step(later, world).due(world.state(), null, CREATED)).isFalse();
        cluster.getMetadata().setAnnotations(Map.of(GoltCluster.ANNOTATION_SNAPSHOT, "req-1"));
        FakeWorld annotated = world(cluster);
        assertThat(step(later, annotated).due(annotated.state(), null, CREATED)).isTrue();
        SnapshotStep.Result result = step(later, annotated).snapshot(annotated.state());
        assertThat(result.status().annotation).isEqualTo("req-1");
        assertThat(result.status().index).isEqualTo(annotated.nodes.commitIndex());
        assertThat(result.status().time).isEqualTo(later.toString());
        assertThat(step(later, annotated).due(annotated.state(), result.status(), CREATED)).isFalse();
    }

    @Test
    void anUnreachableMemberFailsTheRound() {
        FakeWorld world = world(TestClusters.cluster("kv", 3));
        world.nodes.node("kv-2").up = false;
        SnapshotStep.Result result = step(Instant.parse(CREATED), world).snapshot(world.state());
        assertThat(result.status()).isNull();
        assertThat(result.failure()).contains("kv-2");
    }
}
