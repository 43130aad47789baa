package dev.golt.e2e.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.golt.e2e.Await;
import dev.golt.e2e.NodeHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golt-node image as users run it: three containers from {@code images/target/images/golt-node.tar}
 * on a user-defined container network (members find each other by container DNS name), each with
 * its own named volume, a read-only root filesystem, a 256 MiB memory limit and no privileges — the
 * constraints of the operator's pods. Engine: podman here (see {@link ContainerEngine}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeImageE2eTest {
    static final List<String> IDS = List.of("n1", "n2", "n3");
    static ContainerEngine engine;
    static String image;
    static String network;
    static final Map<String, String> containers = new LinkedHashMap<>();
    static final Map<String, String> volumes = new LinkedHashMap<>();
    static final Map<String, Long> startupMillis = new LinkedHashMap<>();
    final NodeHttp http = new NodeHttp();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        engine = ContainerEngine.find();
        image = engine.load(ImageTars.of("golt-node"));
        network = engine.network("net");
        for (String id : IDS) {
            volumes.put(id, engine.volume("data-" + id));
        }
        for (String id : IDS) {
            long start = System.nanoTime();
            containers.put(id, engine.runDetached(id, options(id)));
            startupMillis.put(id, awaitServing(id, start));
        }
    }

    /** The flags a user gives the image: peers by name on the network, data on the volume (the image's default). */
    static List<String> options(String id) {
        List<String> peers = IDS.stream().filter(p -> !p.equals(id)).map(p -> p + "=" + p + ":7000").toList();
        List<String> options = new ArrayList<>(List.of(
                "--network", network, "--network-alias", id, "--hostname", id,
                "--read-only", "--tmpfs", "/tmp", "--memory", "256m", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges",
                "-v", volumes.get(id) + ":/var/lib/golt",
                "-p", "127.0.0.1::8000", "--stop-timeout", "30",
                image,
                "--id", id, "--address", "0.0.0.0:7000", "--advertise", id + ":7000", "--http", "0.0.0.0:8000",
                "--peers", String.join(",", peers)));
        return options;
    }

    /** Milliseconds from {@code start} until the node answers HTTP (its published port can change on a restart). */
    static long awaitServing(String id, long start) {
        NodeHttp http = new NodeHttp();
        Await.until(id + " serving HTTP", Duration.ofSeconds(60), () -> http.get(uri(id), "/q/health/live").ok());
        return (System.nanoTime() - start) / 1_000_000;
    }

    static URI uri(String id) throws Exception {
        return engine.published(containers.get(id), 8000);
    }

    @AfterAll
    static void removeEverything() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    @Order(1)
    void theImageIsSmallDeclaresUid10001AndCarriesItsLabels() throws Exception {
        String c = containers.get("n1");
        assertThat(engine.inspect(c, "{{.Config.User}}")).isEqualTo("10001:10001");
        long size = Long.parseLong(engine.run("image", "inspect", "--format", "{{.Size}}", image).strip());
        System.out.printf("[images] %s: %d MB%n", image, size / 1_000_000);
        assertThat(size).as("image size").isLessThanOrEqualTo(120_000_000L);
        String labels = engine.run("image", "inspect", "--format", "{{json .Labels}}", image);
        assertThat(labels).contains("org.opencontainers.image.version", "org.opencontainers.image.revision",
                "org.opencontainers.image.title");
        // Started with a read-only root: the node found its data directory on the volume.
        String log = engine.logs(c);
        assertThat(log).contains("data in /var/lib/golt").doesNotContain("Read-only file system");
    }

    @Test
    @Order(2)
    void healthEndpointsAnswerAndStartUpTimeIsPrinted() throws Exception {
        Await.until("a leader", Duration.ofSeconds(30), () -> leader() != null);
        for (String id : IDS) {
            assertThat(http.get(uri(id), "/q/health/live").status()).as(id + " live").isEqualTo(200);
            Await.until(id + " ready", Duration.ofSeconds(30), () -> http.get(uri(id), "/q/health/ready").ok());
        }
        System.out.println("[images] container start to serving HTTP, ms: " + startupMillis);
    }

    @Test
    @Order(3)
    void writesThroughOneContainerAreReadLinearizablyThroughTheOthers() throws Exception {
        try {
            for (int i = 0; i < 50; i++) {
                assertThat(http.set(uri("n1"), "lin-" + i, "v" + i).ok()).isTrue();
                for (String reader : List.of("n2", "n3")) {
                    assertThat(linearizableRead(reader, "lin-" + i)).as("lin-%d through %s", i, reader).isEqualTo("v" + i);
                }
            }
        } catch (Exception | AssertionError e) {
            StringBuilder logs = new StringBuilder();
            for (String id : IDS) {
                String log = engine.logs(containers.get(id));
                List<String> lines = log.lines().toList();
                logs.append("\n--- ").append(id).append(" (last 40 lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
            throw new AssertionError(e.getMessage() + logs, e);
        }
    }

    /**
     * A linearizable read, retried on 503 as the API tells clients to (not applied: no leader or no
     * quorum confirmed it, e.g. while a leader change right after start-up settles); a read that is
     * answered must return the value.
     */
    private String linearizableRead(String node, String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return http.read(uri(node), key);
            } catch (java.io.IOException e) {
                if (!e.getMessage().contains("answered 503") || System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.printf("[images] %s: %s; retrying%n", node, e.getMessage());
            }
        }
    }

    @Test
    @Order(4)
    void aContainerKilledWithSigkillRestartsOnItsVolumeKeepsEveryAcknowledgedWriteAndCatchesUp() throws Exception {
        String victim = leader();
        assertThat(victim).isNotNull();
        Map<String, String> acked = new ConcurrentHashMap<>();
        for (int i = 0; i < 100; i++) {
            if (http.set(uri(victim), "kill-" + i, "v" + i).ok()) {
                acked.put("kill-" + i, "v" + i);
            }
        }
        engine.run("kill", "--signal", "KILL", containers.get(victim));
        // The engine sends the signal and returns; the container's state follows once it has exited.
        Await.until(victim + " stopped", Duration.ofSeconds(30),
                () -> engine.inspect(containers.get(victim), "{{.State.Running}}").equals("false"));
        String survivor = IDS.stream().filter(id -> !id.equals(victim)).findFirst().orElseThrow();
        Await.until("writes accepted while " + victim + " is down", Duration.ofSeconds(30),
                () -> http.set(uri(survivor), "while-down", "yes").ok());
        acked.put("while-down", "yes");

        long start = System.nanoTime();
        engine.run("start", containers.get(victim));
        long serving = awaitServing(victim, start);
        System.out.printf("[images] %s restarted on its volume: serving HTTP after %d ms%n", victim, serving);
        Await.until(victim + " caught up", Duration.ofSeconds(30), () -> {
            long commit = http.status(uri(survivor)).path("commitIndex").asLong();
            return http.status(uri(victim)).path("appliedIndex").asLong() >= commit;
        });
        for (Map.Entry<String, String> e : acked.entrySet()) {
            // Stale reads answer from the restarted node's own state: its volume plus what it caught up on.
            NodeHttp.Answer local = http.get(uri(victim), "/get?consistency=stale&key=" + e.getKey());
            assertThat(local.body().path("value").asText()).as(e.getKey() + " on " + victim).isEqualTo(e.getValue());
            assertThat(linearizableRead(victim, e.getKey())).isEqualTo(e.getValue());
        }
    }

    @Test
    @Order(5)
    void theMemoryLimitHoldsUnderAWriteLoad() throws Exception {
        String value = "x".repeat(1024);
        AtomicBoolean failed = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int w = 0; w < 8; w++) {
            String target = IDS.get(w % IDS.size());
            int writer = w;
            writers.add(Thread.ofVirtual().start(() -> {
                NodeHttp client = new NodeHttp();
                try {
                    URI to = uri(target);
                    for (int i = 0; System.nanoTime() < until; i++) {
                        client.set(to, "load-" + writer + "-" + i, value);
                    }
                } catch (Exception e) {
                    failed.set(true);
                    System.err.println("[images] writer " + writer + ": " + e);
                }
            }));
        }
        for (Thread t : writers) {
            t.join();
        }
        for (String id : IDS) {
            String c = containers.get(id);
            System.out.printf("[images] %s after the load: %s%n", id,
                    engine.run("stats", "--no-stream", "--format", "{{.MemUsage}}", c).strip());
            assertThat(engine.inspect(c, "{{.State.OOMKilled}}")).as(id + " OOM-killed").isEqualTo("false");
            assertThat(engine.inspect(c, "{{.State.Running}}")).as(id + " running").isEqualTo("true");
            assertThat(engine.logs(c)).as(id + " log").doesNotContain("OutOfMemoryError");
        }
        assertThat(failed).as("a writer failed (see stderr)").isFalse();
    }

    @Test
    @Order(6)
    void sigtermStopsTheLeaderWithinItsGracePeriodAfterHandingLeadershipOver() throws Exception {
        String leader = leader();
        long term = http.status(uri(leader)).path("term").asLong();
        long start = System.nanoTime();
        engine.run("stop", "-t", "30", containers.get(leader));
        long stoppedMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[images] %s stopped on SIGTERM in %d ms%n", leader, stoppedMs);
        assertThat(stoppedMs).as("stopped before the 30 s grace period ran out (no SIGKILL)").isLessThan(30_000);
        assertThat(engine.inspect(containers.get(leader), "{{.State.ExitCode}}")).isIn("0", "143");
        assertThat(engine.logs(containers.get(leader))).contains("handed leadership to");
        String other = IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        JsonNode status = http.status(uri(other));
        assertThat(status.path("leader").asText()).isNotEqualTo(leader).isNotEmpty();
        assertThat(status.path("term").asLong()).as("one term for the transfer, no election").isEqualTo(term + 1);
    }

    static String leader() {
        NodeHttp http = new NodeHttp();
        for (String id : IDS) {
            try {
                JsonNode s = http.status(uri(id));
                if (s.path("isLeader").asBoolean()) {
                    return id;
                }
            } catch (Exception down) {
                // try the next one
            }
        }
        return null;
    }
}
