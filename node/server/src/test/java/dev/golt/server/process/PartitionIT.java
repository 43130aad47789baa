package dev.golt.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Election across real partitions of real processes (the {@link FaultyNetwork} proxy between
 * peers): an isolated leader is replaced and cannot commit, a leader whose messages are lost one
 * way is replaced too, and after healing the old leader follows the new one.
 */
class PartitionIT {

    @Test
    void isolatedOrMutedLeaderIsReplacedAndRejoinsAsFollower() throws Exception {
        try (NodeProcesses c = new NodeProcesses(3, true, List.of("-Dgolt.request-timeout-ms=2000"))) {
            try {
                for (String id : c.ids()) {
                    c.start(id);
                }
                c.awaitLeader(Duration.ofSeconds(90));
                KvClient kv = new KvClient(Duration.ofSeconds(10));
                String old = leader(c, c.ids().get(0));
                assertThat(kv.set(c.http(old), "before", "1").ok()).isTrue();

                // Symmetric: the leader hears no one and no one hears it.
                c.network().isolate(old);
                String next = awaitNewLeader(c, old);
                assertThat(kv.set(c.http(old), "isolated", "x").ok()).as("an isolated leader cannot commit").isFalse();
                assertThat(kv.set(c.http(next), "majority", "2").ok()).as("the majority side commits").isTrue();
                c.network().heal();
                c.awaitLeader(Duration.ofSeconds(60));
                assertThat(status(c, old).get("state").asText()).isEqualTo("follower");

                // One way: the leader still hears the others, but its messages are lost.
                String current = leader(c, old);
                for (String o : others(c, current)) {
                    c.network().cut(current, o);
                }
                awaitNewLeader(c, current);
                c.network().heal();
                c.awaitLeader(Duration.ofSeconds(60));
                c.awaitConverged(Duration.ofSeconds(60));
                for (String id : c.ids()) {
                    KvClient.Reply r = kv.get(c.http(id), "majority", true);
                    assertThat(r.ok() && r.body().get("found").asBoolean()).as("majority write on %s", id).isTrue();
                    assertThat(kv.get(c.http(id), "before", true).body().get("value").asText()).isEqualTo("1");
                }
            } catch (Throwable t) {
                c.keepLogs(FaultRuns.failureLogs("PartitionIT", 0));
                throw t;
            }
        }
    }

    private static List<String> others(NodeProcesses c, String id) {
        List<String> out = new ArrayList<>(c.ids());
        out.remove(id);
        return out;
    }

    /** Waits until the nodes other than {@code old} agree on a leader other than {@code old}. */
    private static String awaitNewLeader(NodeProcesses c, String old) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> seen = new ArrayList<>();
            for (String id : others(c, old)) {
                JsonNode s = status(c, id);
                seen.add(s == null || s.get("leader").isNull() ? null : s.get("leader").asText());
            }
            if (seen.get(0) != null && !seen.get(0).equals(old) && seen.get(0).equals(seen.get(1))) {
                return seen.get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no new leader replaced " + old + "; " + c.network().describe());
    }

    private static String leader(NodeProcesses c, String asked) throws Exception {
        return status(c, asked).get("leader").asText();
    }

    private static JsonNode status(NodeProcesses c, String id) throws Exception {
        return c.get(id, "/status");
    }
}
