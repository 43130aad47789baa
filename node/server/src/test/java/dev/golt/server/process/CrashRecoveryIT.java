package dev.golt.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** kill -9 every node in the middle of a write load; after a restart every acknowledged write is there. */
class CrashRecoveryIT {

    @Test
    void everyAcknowledgedWriteSurvivesKillingEveryNode() throws Exception {
        try (NodeProcesses c = new NodeProcesses(3)) {
            for (String id : c.ids()) {
                c.start(id);
            }
            c.awaitLeader(Duration.ofSeconds(90));

            Map<String, String> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(6);
            for (int t = 0; t < 6; t++) {
                int client = t;
                clients.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = "c" + client + "-" + i;
                        String node = c.ids().get((client + i) % 3);
                        try {
                            if (c.post(node, "/set", "{\"key\":\"" + key + "\",\"value\":\"" + i + "\"}") == 200) {
                                acked.put(key, Integer.toString(i));
                            }
                        } catch (Exception e) {
                            // a node being killed: the write is not acknowledged
                        }
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acked.size() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            for (String id : c.ids()) {
                c.kill(id); // mid-load, no graceful shutdown
            }
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(acked).hasSizeGreaterThanOrEqualTo(200);

            for (String id : c.ids()) {
                c.start(id);
            }
            c.awaitLeader(Duration.ofSeconds(90));
            List<String> ids = c.ids();
            int i = 0;
            for (Map.Entry<String, String> e : acked.entrySet()) {
                JsonNode r = c.get(ids.get(i++ % 3), "/get?key=" + e.getKey());
                assertThat(r).as("read of " + e.getKey()).isNotNull();
                assertThat(r.get("found").asBoolean()).as(e.getKey() + " present").isTrue();
                assertThat(r.get("value").asText()).isEqualTo(e.getValue());
            }
        }
    }
}
