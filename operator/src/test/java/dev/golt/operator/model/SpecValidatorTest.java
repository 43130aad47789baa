package dev.golt.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.crd.GoltClusterSpec;
import dev.golt.operator.crd.RaftSpec;
import dev.golt.operator.crd.StorageSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    private static GoltClusterSpec spec(int replicas) {
        return TestClusters.cluster("kv", replicas).getSpec();
    }

    private static List<String> reasons(GoltClusterSpec spec) {
        return SpecValidator.validate(spec, name -> name.equals("standard")).stream().map(SpecProblem::reason).toList();
    }

    @Test
    void validSpecHasNoProblems() {
        assertThat(SpecValidator.validate(spec(3), n -> true)).isEmpty();
    }

    @Test
    void zeroOrTooManyReplicasBlock() {
        assertThat(SpecValidator.validate(spec(0), n -> true)).singleElement()
                .satisfies(p -> {
                    assertThat(p.reason()).isEqualTo(SpecValidator.REASON_REPLICAS_OUT_OF_RANGE);
                    assertThat(p.blocking()).isTrue();
                });
        assertThat(reasons(spec(10))).containsExactly(SpecValidator.REASON_REPLICAS_OUT_OF_RANGE);
    }

    @Test
    void evenReplicasOnlyWarn() {
        assertThat(SpecValidator.validate(spec(4), n -> true)).singleElement()
                .satisfies(p -> {
                    assertThat(p.reason()).isEqualTo(SpecValidator.REASON_EVEN_REPLICAS);
                    assertThat(p.blocking()).isFalse();
                });
    }

    @Test
    void unknownStorageClassBadSizeAndMissingImageBlock() {
        GoltClusterSpec spec = spec(3);
        spec.image = " ";
        spec.storage = new StorageSpec();
        spec.storage.storageClassName = "nope";
        spec.storage.size = "lots";
        assertThat(reasons(spec)).containsExactlyInAnyOrder(SpecValidator.REASON_MISSING_IMAGE,
                SpecValidator.REASON_UNKNOWN_STORAGE_CLASS, SpecValidator.REASON_INVALID_STORAGE_SIZE);
        spec.storage.storageClassName = "standard";
        spec.storage.size = "0";
        spec.image = "golt:1";
        assertThat(reasons(spec)).containsExactly(SpecValidator.REASON_INVALID_STORAGE_SIZE);
    }

    @Test
    void inconsistentRaftTuningBlocks() {
        GoltClusterSpec spec = spec(3);
        spec.raft = new RaftSpec();
        spec.raft.electionTicksMin = 30;
        spec.raft.electionTicksMax = 15;
        assertThat(reasons(spec)).containsExactly(SpecValidator.REASON_INVALID_RAFT_TUNING);
        spec.raft.electionTicksMax = 40;
        spec.raft.heartbeatTicks = 30;
        assertThat(reasons(spec)).containsExactly(SpecValidator.REASON_INVALID_RAFT_TUNING);
    }
}
