package dev.golt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeFlagsTest {

    @Test
    void flagsInBothFormsBecomeConfiguration() {
        Map<String, String> p = NodeFlags.toProperties(new String[] {
            "--id", "n1", "--address=127.0.0.1:7001", "--http", "127.0.0.2:8001",
            "--peers", "n2=127.0.0.1:7002,n3=127.0.0.1:7003", "--data", "/tmp/x", "--initial-members=n1,n2,n3"}, Map.of());
        assertThat(p).containsEntry("golt.id", "n1").containsEntry("golt.address", "127.0.0.1:7001")
                .containsEntry("quarkus.http.host", "127.0.0.2").containsEntry("quarkus.http.port", "8001")
                .containsEntry("golt.peers", "n2=127.0.0.1:7002,n3=127.0.0.1:7003")
                .containsEntry("golt.data", "/tmp/x").containsEntry("golt.initial-members", "n1,n2,n3");
    }

    @Test
    void environmentFillsInAndFlagsWin() {
        Map<String, String> p = NodeFlags.toProperties(new String[] {"--id", "flag"},
                Map.of("GOLT_ID", "env", "GOLT_HTTP", "10.0.0.1:8000", "GOLT_ADVERTISE", "n1.svc:7000"));
        assertThat(p).containsEntry("golt.id", "flag").containsEntry("quarkus.http.port", "8000")
                .containsEntry("golt.advertise", "n1.svc:7000");
    }

    @Test
    void badCommandLinesAreRefusedWithAReason() {
        assertThatThrownBy(() -> NodeFlags.toProperties(new String[] {"--nope", "x"}, Map.of())).hasMessageContaining("unknown flag --nope");
        assertThatThrownBy(() -> NodeFlags.toProperties(new String[] {"--id"}, Map.of())).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> NodeFlags.toProperties(new String[] {"--http", "8000"}, Map.of())).hasMessageContaining("host:port");
        assertThatThrownBy(() -> NodeFlags.toProperties(new String[] {"stray"}, Map.of())).hasMessageContaining("unexpected");
    }

    @Test
    void peersWithAndWithoutIds() {
        assertThat(NodeFlags.parsePeers("n2=h2:7002, h3:7003")).containsExactly(
                Map.entry("n2", "h2:7002"), Map.entry("h3:7003", "h3:7003"));
        assertThat(NodeFlags.parsePeers("")).isEmpty();
        assertThatThrownBy(() -> NodeFlags.parsePeers("=h:1")).hasMessageContaining("empty id");
    }

    @Test
    void initialClusterStateComesFromTheFlagOrTheEnvironmentAndRefusesOtherValues() {
        assertThat(NodeFlags.toProperties(new String[] {"--initial-cluster-state", "existing"}, Map.of()))
                .containsEntry("golt.initial-cluster-state", "existing");
        assertThat(NodeFlags.toProperties(new String[0], Map.of("GOLT_INITIAL_CLUSTER_STATE", "NEW")))
                .containsEntry("golt.initial-cluster-state", "new");
        assertThatThrownBy(() -> NodeFlags.toProperties(new String[] {"--initial-cluster-state=maybe"}, Map.of()))
                .hasMessageContaining("expected new or existing");
    }

    @Test
    void restoreFromComesFromTheFlagOrTheEnvironment() {
        assertThat(NodeFlags.toProperties(new String[] {"--restore-from", "/backups/b.db"}, Map.of()))
                .containsEntry("golt.restore-from", "/backups/b.db");
        assertThat(NodeFlags.toProperties(new String[0], Map.of("GOLT_RESTORE_FROM", "b.db")))
                .containsEntry("golt.restore-from", "b.db");
    }
}
