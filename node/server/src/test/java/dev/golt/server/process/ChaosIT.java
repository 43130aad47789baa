package dev.golt.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Chaos: random kill -9 and restarts, partitions (symmetric and one-way), SIGSTOP pauses and link
 * delays for a bounded time under concurrent HTTP clients writing through every node. Afterwards a
 * leader emerges, every node converges to the same state, every acknowledged write is there on
 * every node, and no write answered 503 ("not applied") is.
 */
class ChaosIT {

    private static final int CLIENTS = 6;

    @Test
    void survivesRandomFaultsUnderLoad() throws Exception {
        FaultRuns.underNemesis("ChaosIT", ChaosIT::run);
    }

    private static void run(NodeProcesses c, Nemesis nemesis, long seed) throws Exception {
        for (String id : c.ids()) {
            c.start(id);
        }
        c.awaitLeader(Duration.ofSeconds(90));
        FaultRuns.say("ChaosIT", "cluster up");

        Map<String, String> acked = new ConcurrentHashMap<>();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        KvClient kv = new KvClient(Duration.ofSeconds(5));
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<String> ids = c.ids();
        List<Future<?>> running = new java.util.ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            int client = t;
            Random r = new Random(seed + client);
            running.add(clients.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = "c" + client + "-" + i;
                    String value = "v" + i + "-" + r.nextInt(1000);
                    KvClient.Reply reply = kv.set(c.http(ids.get(r.nextInt(ids.size()))), key, value);
                    switch (reply.outcome()) {
                        case OK -> acked.put(key, value);
                        case FAILED -> failed.add(key);
                        case UNKNOWN -> { } // may or may not be there
                    }
                    if (reply.outcome() != KvClient.Outcome.OK) {
                        Thread.sleep(50); // no leader: do not spin
                    }
                }
                return null;
            }));
        }
        nemesis.run(FaultRuns.duration());
        FaultRuns.say("ChaosIT", "faults over:\n  %s", String.join("\n  ", nemesis.log()));
        c.awaitLeader(Duration.ofSeconds(120));
        FaultRuns.awaitProgress("writes acknowledged", acked::size, 20);
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Future<?> f : running) {
            f.get(); // a client's own failure (e.g. a 200 without JSON) fails the test
        }
        FaultRuns.say("ChaosIT", "%d writes acknowledged, %d answered 503", acked.size(), failed.size());
        long index = c.awaitConverged(Duration.ofSeconds(120));
        FaultRuns.say("ChaosIT", "converged at index %d", index);
        for (String id : ids) {
            for (Map.Entry<String, String> e : acked.entrySet()) {
                KvClient.Reply r = kv.get(c.http(id), e.getKey(), true);
                assertThat(r.ok()).as("stale read of %s on %s: %s", e.getKey(), id, r.detail()).isTrue();
                assertThat(r.body().get("found").asBoolean()).as("acknowledged %s present on %s", e.getKey(), id).isTrue();
                assertThat(r.body().get("value").asText()).as("value of %s on %s", e.getKey(), id).isEqualTo(e.getValue());
            }
            for (String key : failed) {
                KvClient.Reply r = kv.get(c.http(id), key, true);
                assertThat(r.ok()).as("stale read of %s on %s: %s", key, id, r.detail()).isTrue();
                assertThat(r.body().get("found").asBoolean()).as("%s answered 503 (not applied) but present on %s", key, id)
                        .isFalse();
            }
        }
        FaultRuns.say("ChaosIT", "all %d acknowledged writes present on every node", acked.size());
    }
}
