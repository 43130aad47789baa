package dev.golt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golt.server.node.NodeSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node's configuration checks: defaults that work, and nonsense refused at startup naming the property. */
class NodeConfigurationTest {

    private static NodeSettings settings(String... keyValues) {
        Map<String, String> p = new HashMap<>(Map.of("golt.id", "n1", "golt.address", "127.0.0.1:7001"));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return NodeConfiguration.settings(TestConfig.of(p));
    }

    @Test
    void theDefaultsMakeAValidNodeWithPreVoteAndCheckQuorumOn() {
        NodeSettings s = settings();
        assertThat(s.raft().electionTicksMin()).isEqualTo(15);
        assertThat(s.raft().electionTicksMax()).isEqualTo(30);
        assertThat(s.raft().maxInflight()).isEqualTo(256);
        assertThat(s.raft().maxMsgEntries()).isEqualTo(512);
        assertThat(s.raft().maxMsgBytes()).isEqualTo(1 << 20);
        assertThat(s.raft().preVote()).isTrue();
        assertThat(s.raft().checkQuorum()).isTrue();
        assertThat(s.dataDir()).hasToString("/tmp/golt-n1");
    }

    @Test
    void everyRaftSwitchReachesTheCore() {
        NodeSettings s = settings("golt.raft.pre-vote", "false", "golt.raft.check-quorum", "false",
                "golt.raft.max-inflight-appends", "8", "golt.raft.max-append-entries", "16",
                "golt.raft.max-append-bytes", "4096");
        assertThat(s.raft().preVote()).isFalse();
        assertThat(s.raft().checkQuorum()).isFalse();
        assertThat(s.raft().maxInflight()).isEqualTo(8);
        assertThat(s.raft().maxMsgEntries()).isEqualTo(16);
        assertThat(s.raft().maxMsgBytes()).isEqualTo(4096);
    }

    @Test
    void anElectionTimeoutNotAboveTheHeartbeatIsRefusedNamingBothProperties() {
        assertThatThrownBy(() -> settings("golt.raft.election-ticks-min", "2", "golt.raft.heartbeat-ticks", "2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("golt.raft.election-ticks-min (2) must be greater than golt.raft.heartbeat-ticks (2)");
    }

    @Test
    void anEmptyElectionTimeoutRangeIsRefused() {
        assertThatThrownBy(() -> settings("golt.raft.election-ticks-max", "15"))
                .hasMessageContaining("golt.raft.election-ticks-max (15) must be greater than golt.raft.election-ticks-min (15)");
    }

    @Test
    void anAppendBatchLargerThanAPeerMessageIsRefused() {
        assertThatThrownBy(() -> settings("golt.raft.max-append-bytes", "67108864"))
                .hasMessageContaining("golt.raft.max-message-bytes (67108864) must be greater than golt.raft.max-append-bytes");
    }

    @Test
    void aValueLimitAPeerMessageCannotCarryIsRefused() {
        assertThatThrownBy(() -> settings("golt.raft.max-message-bytes", "2000000", "golt.limits.max-value-bytes", "4000000"))
                .hasMessageContaining("golt.limits.max-key-bytes + golt.limits.max-value-bytes");
    }

    @Test
    void zeroOrNegativeSizesAndTimesAreRefused() {
        assertThatThrownBy(() -> settings("golt.raft.tick-ms", "0", "golt.raft.max-inflight-appends", "0",
                "golt.request-timeout-ms", "-1"))
                .hasMessageContaining("golt.raft.tick-ms must be at least 1, was 0")
                .hasMessageContaining("golt.raft.max-inflight-appends must be at least 1, was 0")
                .hasMessageContaining("golt.request-timeout-ms must be at least 1, was -1");
    }

    @Test
    void badAddressesAndFlagValuesAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> settings("golt.address", "nowhere", "golt.peers", "n2=host:notaport",
                "golt.initial-cluster-state", "maybe"))
                .hasMessageContaining("golt.address: expected host:port, got 'nowhere'")
                .hasMessageContaining("golt.peers: bad port in 'host:notaport'")
                .hasMessageContaining("golt.initial-cluster-state: expected new or existing, got 'maybe'");
    }

    @Test
    void aMissingIdIsRefusedWithTheFlagToSetIt() {
        assertThatThrownBy(() -> NodeConfiguration.settings(TestConfig.of(Map.of("golt.address", "127.0.0.1:1"))))
                .hasMessageContaining("golt.id (--id, GOLT_ID) is required");
    }
}
