package dev.golt.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RaftConfigTest {

    @Test
    void defaultsGiveAnElectionTimeoutRangeAboveTheHeartbeat() {
        RaftConfig c = RaftConfig.defaults("n1", 1);
        assertThat(c.electionTicksMin()).isGreaterThan(c.heartbeatTicks());
        assertThat(c.electionTicksMax()).isGreaterThan(c.electionTicksMin());
        assertThat(c.preVote()).isTrue();
        assertThat(c.checkQuorum()).isTrue();
    }

    @Test
    void rejectsAnElectionTimeoutThatAHeartbeatCannotBeat() {
        assertThatThrownBy(() -> new RaftConfig("n1", 2, 4, 2, 1024, 10, 10, true, true, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("electionTicksMin");
    }

    @Test
    void rejectsAnEmptyRange() {
        assertThatThrownBy(() -> new RaftConfig("n1", 10, 10, 2, 1024, 10, 10, true, true, 0))
                .hasMessageContaining("electionTicksMax");
    }

    @Test
    void rejectsAMissingId() {
        assertThatThrownBy(() -> new RaftConfig("", 10, 20, 2, 1024, 10, 10, true, true, 0))
                .hasMessageContaining("id");
    }
}
