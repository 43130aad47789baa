package dev.golt.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.golt.raft.linearizability.History;
import dev.golt.raft.linearizability.LinearizabilityChecker;
import dev.golt.raft.linearizability.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Linearizability: concurrent HTTP clients put / get / cas / delete a few keys through every node
 * (leader and followers) while the {@link Nemesis} partitions, kills and pauses nodes; the history
 * is checked with the Wing–Gong–Lowe checker. Outcomes are recorded as the API defines them: 200 is
 * definite, 503 is "not applied" (left out), anything else is "may have been applied at any later
 * time" (reads with an unknown outcome constrain nothing).
 */
class LinearizabilityIT {

    private static final int CLIENTS = 6;
    private static final int KEYS = 5;

    @Test
    void historyUnderFaultsIsLinearizable() throws Exception {
        FaultRuns.underNemesis("LinearizabilityIT", LinearizabilityIT::run);
    }

    private static void run(NodeProcesses c, Nemesis nemesis, long seed) throws Exception {
        for (String id : c.ids()) {
            c.start(id);
        }
        c.awaitLeader(Duration.ofSeconds(90));
        FaultRuns.say("LinearizabilityIT", "cluster up");

        History history = new History();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger definite = new AtomicInteger();
        KvClient kv = new KvClient(Duration.ofSeconds(4));
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            int client = t;
            running.add(clients.submit(() -> {
                Random r = new Random(seed * 31 + client);
                Map<String, String> lastSeen = new HashMap<>();
                for (int i = 0; !stop.get(); i++) {
                    String key = "k" + r.nextInt(KEYS);
                    String node = c.http(c.ids().get(r.nextInt(c.ids().size())));
                    String value = "c" + client + "-" + i; // unique: keeps the checker's search narrow
                    if (step(kv, history, client, r.nextInt(100), node, key, value, lastSeen)) {
                        definite.incrementAndGet();
                    } else {
                        Thread.sleep(50);
                    }
                    Thread.sleep(r.nextInt(20)); // a few hundred operations per key keep the check fast
                }
                return null;
            }));
        }
        nemesis.run(FaultRuns.duration());
        FaultRuns.say("LinearizabilityIT", "faults over:\n  %s", String.join("\n  ", nemesis.log()));
        c.awaitLeader(Duration.ofSeconds(120));
        FaultRuns.awaitProgress("operations with a definite outcome", definite::get, 50);
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Future<?> f : running) {
            f.get();
        }
        c.awaitConverged(Duration.ofSeconds(120));
        FaultRuns.say("LinearizabilityIT", "converged");
        // Final reads through every node, part of the history: the state left behind must fit it too.
        for (int k = 0; k < KEYS; k++) {
            for (String id : c.ids()) {
                KvClient.Reply r = null;
                for (int attempt = 0; attempt < 20 && (r == null || !r.ok()); attempt++) {
                    Operation op = history.invoke(Operation.get(CLIENTS, "k" + k));
                    r = kv.get(c.http(id), "k" + k, false);
                    if (r.ok()) {
                        history.getOk(op, found(r.body()) ? r.body().get("value").asText() : null);
                    } else {
                        outcome(history, op, r); // a read that did not happen: ask again
                        Thread.sleep(500);
                    }
                }
                assertThat(r.ok()).as("final read of k%d on %s: %s", k, id, r.detail()).isTrue();
            }
        }

        List<Operation> ops = history.operations();
        FaultRuns.say("LinearizabilityIT", "%d operations in the history, %d with a definite outcome", ops.size(),
                definite.get());
        long t0 = System.nanoTime();
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        FaultRuns.say("LinearizabilityIT", "checked in %d ms: %s", (System.nanoTime() - t0) / 1_000_000,
                result.linearizable() ? "linearizable" : "NOT linearizable");
        assertThat(result.linearizable()).as("%s", result).isTrue();
    }

    /** One operation; true when its outcome is definite. */
    private static boolean step(KvClient kv, History history, int client, int dice, String node, String key,
            String value, Map<String, String> lastSeen) {
        if (dice < 35) {
            Operation op = history.invoke(Operation.get(client, key));
            KvClient.Reply r = kv.get(node, key, false);
            if (r.ok()) {
                String v = found(r.body()) ? r.body().get("value").asText() : null;
                history.getOk(op, v);
                remember(lastSeen, key, v);
            } else {
                outcome(history, op, r);
            }
            return r.ok();
        }
        if (dice < 65) {
            Operation op = history.invoke(Operation.put(client, key, value));
            KvClient.Reply r = kv.set(node, key, value);
            if (r.ok()) {
                history.putOk(op);
            } else {
                outcome(history, op, r);
            }
            return r.ok();
        }
        if (dice < 85) {
            String expected = lastSeen.get(key);
            Operation op = history.invoke(Operation.cas(client, key, expected, value));
            KvClient.Reply r = kv.cas(node, key, expected, value);
            if (r.ok()) {
                boolean swapped = r.body().get("success").asBoolean();
                history.casOk(op, swapped);
                JsonNode current = r.body().get("current");
                remember(lastSeen, key, swapped ? value : current == null || current.isNull() ? null : current.asText());
            } else {
                outcome(history, op, r);
            }
            return r.ok();
        }
        Operation op = history.invoke(Operation.delete(client, key));
        KvClient.Reply r = kv.delete(node, key);
        if (r.ok()) {
            history.deleteOk(op, found(r.body()));
            remember(lastSeen, key, null);
        } else {
            outcome(history, op, r);
        }
        return r.ok();
    }

    private static boolean found(JsonNode body) {
        return body.get("found").asBoolean();
    }

    private static void remember(Map<String, String> lastSeen, String key, String value) {
        if (value == null) {
            lastSeen.remove(key);
        } else {
            lastSeen.put(key, value);
        }
    }

    private static void outcome(History history, Operation op, KvClient.Reply r) {
        if (r.outcome() == KvClient.Outcome.FAILED) {
            history.failed(op);
        } else {
            history.unknown(op);
        }
    }
}
