package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T00:05:00Z");

    @Test
    void transitionTimeChangesOnlyWhenTheStatusFlips() {
        List<Condition> c = Conditions.set(List.of(), Conditions.READY, false, "MembersNotReady", "0 of 3", 1, T1);
        c = Conditions.set(c, Conditions.READY, false, "MembersNotReady", "1 of 3", 2, T2);
        Condition ready = Conditions.find(c, Conditions.READY);
        assertThat(ready.getLastTransitionTime()).isEqualTo(T1.toString());
        assertThat(ready.getMessage()).isEqualTo("1 of 3");
        assertThat(ready.getObservedGeneration()).isEqualTo(2);
        c = Conditions.set(c, Conditions.READY, true, "AllMembersReady", "3 of 3", 2, T2);
        assertThat(c).hasSize(1);
        assertThat(Conditions.find(c, Conditions.READY).getLastTransitionTime()).isEqualTo(T2.toString());
        assertThat(Conditions.find(c, Conditions.READY).getStatus()).isEqualTo("True");
    }
}
