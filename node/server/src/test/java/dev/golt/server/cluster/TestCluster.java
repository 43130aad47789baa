package dev.golt.server.cluster;

import dev.golt.server.TestPorts;
import com.google.protobuf.ByteString;
import dev.golt.proto.Command;
import dev.golt.proto.Put;
import dev.golt.raft.Role;
import dev.golt.server.DefaultComponents;
import dev.golt.server.NodeConfiguration;
import dev.golt.server.TestConfig;
import dev.golt.server.node.ApplyResult;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeException;
import dev.golt.server.node.NodeSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Several real nodes in one JVM: real gRPC on loopback, real WAL and LSM files in a temp dir. */
public final class TestCluster implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(30);

    private final Path root;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, GoltNode> running = new LinkedHashMap<>();
    private final Map<String, MeterRegistry> registries = new LinkedHashMap<>();
    /** Configuration properties every node of this cluster gets on top of the harness's own. */
    private final Map<String, String> overrides;

    private TestCluster(Path root, Map<String, String> overrides) {
        this.root = root;
        this.overrides = overrides;
    }

    /** @param overrides {@code golt.*} properties for every node, e.g. {@code golt.snapshot.threshold-entries} */
    public static TestCluster start(int size, Map<String, String> overrides) {
        TestCluster c;
        try {
            c = new TestCluster(Files.createTempDirectory("golt-cluster"), overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 1; i <= size; i++) {
            c.addresses.put("n" + i, "127.0.0.1:" + freePort());
        }
        for (String id : List.copyOf(c.addresses.keySet())) {
            c.start(id);
        }
        return c;
    }

    public static TestCluster start(int size) {
        return start(size, Map.of());
    }

    /** Reserves an address for a node that will join later (not an initial member). */
    public String reserve(String id) {
        String a = "127.0.0.1:" + freePort();
        addresses.put(id, a);
        return a;
    }

    public GoltNode start(String id) {
        return start(id, (List<String>) null);
    }

    public GoltNode start(String id, List<String> initialMembers) {
        return start(id, initialMembers, NodeSettings.InitialClusterState.NEW);
    }

    public GoltNode start(String id, List<String> initialMembers, NodeSettings.InitialClusterState state) {
        return start(id, initialMembers, state, Map.of());
    }

    /** Starts {@code id} with {@code extra} properties on top of the cluster's own. */
    public GoltNode start(String id, Map<String, String> extra) {
        return start(id, null, NodeSettings.InitialClusterState.NEW, extra);
    }

    private GoltNode start(String id, List<String> initialMembers, NodeSettings.InitialClusterState state,
            Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("golt.id", id);
        p.put("golt.address", addresses.get(id));
        p.put("golt.peers", addresses.entrySet().stream().filter(e -> !e.getKey().equals(id))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        p.put("golt.data", root.resolve(id).toString());
        if (initialMembers != null) {
            p.put("golt.initial-members", String.join(",", initialMembers));
        }
        p.put("golt.initial-cluster-state", state.name().toLowerCase(Locale.ROOT));
        // Slower ticks and a longer request timeout than production: the CI machine is small and shared.
        p.put("golt.raft.tick-ms", "20");
        p.put("golt.request-timeout-ms", "10000");
        p.putAll(overrides);
        p.putAll(extra);
        NodeSettings s = NodeConfiguration.settings(TestConfig.of(p));
        MeterRegistry registry = new SimpleMeterRegistry();
        GoltNode n = new GoltNode(s, new DefaultComponents(Optional.empty(), Optional.empty(), 0), registry).start();
        running.put(id, n);
        registries.put(id, registry);
        return n;
    }

    public void stop(String id) {
        GoltNode n = running.remove(id);
        if (n != null) {
            n.close();
        }
    }

    public GoltNode node(String id) {
        return running.get(id);
    }

    public MeterRegistry metrics(String id) {
        return registries.get(id);
    }

    public double elections(String id, String cause) {
        return registries.get(id).get("golt.raft.elections").tag("cause", cause).counter().count();
    }

    public List<GoltNode> nodes() {
        return new ArrayList<>(running.values());
    }

    /** Waits for a leader that a majority of the given nodes acknowledge. */
    public GoltNode awaitLeader(List<GoltNode> among) {
        GoltNode[] found = new GoltNode[1];
        await("a leader among " + among.stream().map(n -> n.settings().id()).toList(), () -> {
            for (GoltNode n : among) {
                if (n.driver().role() == Role.LEADER) {
                    String id = n.settings().id();
                    long agree = among.stream().filter(o -> o.driver().leader().equals(id)).count();
                    if (agree * 2 > among.size()) {
                        found[0] = n;
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }

    public GoltNode awaitLeader() {
        return awaitLeader(nodes());
    }

    public static Command put(String key, String value) {
        return Command.newBuilder().setPut(Put.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build();
    }

    /** Writes through {@code via}, retrying while the answer is "not applied" (503), as a client would. */
    public ApplyResult write(GoltNode via, String key, String value) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return via.write(put(key, value)).get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                Throwable cause = GoltNode.unwrap(e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e);
                boolean notApplied = cause instanceof NodeException ne && ne.kind() == NodeException.Kind.UNAVAILABLE;
                if (!notApplied || System.nanoTime() > deadline) {
                    throw new AssertionError("write " + key + " via " + via.settings().id() + " failed", e);
                }
                sleep(50);
            }
        }
    }

    /**
     * Removes {@code id} through the current leader, retrying while the answer is "not applied" (503,
     * e.g. while an automatic promotion is still uncommitted: one change at a time), as clients do.
     */
    public void removeMember(String id) {
        await("removal of " + id + " accepted", () -> {
            try {
                awaitLeader().removeMember(id).get(15, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                if (GoltNode.unwrap(e.getCause()) instanceof NodeException ne && ne.kind() == NodeException.Kind.UNAVAILABLE) {
                    return false;
                }
                throw new AssertionError(e);
            }
        });
    }

    /** Waits for a leader that every running node knows. */
    public GoltNode awaitLeaderKnownByAll() {
        GoltNode leader = awaitLeader();
        String id = leader.settings().id();
        await("every node follows " + id, () -> nodes().stream().allMatch(n -> n.driver().leader().equals(id)));
        return leader;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static String read(GoltNode n, String key) {
        byte[] v = n.get(key.getBytes(StandardCharsets.UTF_8));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    public void awaitApplied(GoltNode n, long index) {
        await(n.settings().id() + " applied " + index, () -> n.driver().appliedIndex() >= index);
    }

    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public Path dataDir(String id) {
        return root.resolve(id);
    }

    @Override
    public void close() {
        for (String id : List.copyOf(running.keySet())) {
            stop(id);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the OS cleans temp dirs
        }
    }

    private static int freePort() {
        return TestPorts.free();
    }
}
