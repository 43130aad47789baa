package dev.golt.server;

import dev.golt.raft.RaftConfig;
import dev.golt.server.node.NodeSettings;
import dev.golt.server.node.NodeSettings.InitialClusterState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns {@link GoltConfig} into {@link NodeSettings} and the core's {@link RaftConfig}: the one place
 * the node's configuration is checked. Every problem is reported at once, each naming its property,
 * so a node started with nonsense fails at startup saying what to fix (etcd's {@code --config-file}
 * validation is the model), instead of later with a core invariant the user never set directly.
 */
public final class NodeConfiguration {

    private final List<String> problems = new ArrayList<>();

    private NodeConfiguration() {}

    /** @throws IllegalArgumentException listing every invalid property */
    public static NodeSettings settings(GoltConfig c) {
        return new NodeConfiguration().build(c);
    }

    private NodeSettings build(GoltConfig c) {
        String id = c.id().filter(s -> !s.isBlank()).orElse(null);
        if (id == null) {
            problems.add("golt.id (--id, GOLT_ID) is required");
        }
        String address = c.address().orElse(null);
        if (address == null) {
            problems.add("golt.address (--address, GOLT_ADDRESS) is required");
        } else {
            parsed("golt.address", () -> NodeFlags.HostPort.parse(address, "golt.address"), null);
        }
        String advertise = c.advertise().orElse(address);
        c.advertise().ifPresent(a -> parsed("golt.advertise", () -> NodeFlags.HostPort.parse(a, "golt.advertise"), null));
        Map<String, String> peers = parsed("golt.peers", () -> NodeFlags.parsePeers(c.peers().orElse("")), Map.of());
        InitialClusterState state = parsed("golt.initial-cluster-state",
                () -> InitialClusterState.parse(c.initialClusterState()), InitialClusterState.NEW);
        List<String> initial = c.initialMembers()
                .map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList())
                .orElse(null);

        GoltConfig.Raft r = c.raft();
        atLeast("golt.raft.tick-ms", r.tickMs(), 1);
        atLeast("golt.raft.heartbeat-ticks", r.heartbeatTicks(), 1);
        above("golt.raft.election-ticks-min", r.electionTicksMin(), "golt.raft.heartbeat-ticks", r.heartbeatTicks());
        above("golt.raft.election-ticks-max", r.electionTicksMax(), "golt.raft.election-ticks-min", r.electionTicksMin());
        atLeast("golt.raft.max-message-bytes", r.maxMessageBytes(), 1024);
        atLeast("golt.raft.max-append-bytes", r.maxAppendBytes(), 1);
        above("golt.raft.max-message-bytes", r.maxMessageBytes(), "golt.raft.max-append-bytes", r.maxAppendBytes());
        atLeast("golt.raft.max-append-entries", r.maxAppendEntries(), 1);
        atLeast("golt.raft.max-inflight-appends", r.maxInflightAppends(), 1);
        atLeast("golt.snapshot.threshold-entries", c.snapshot().thresholdEntries(), 1);
        atLeast("golt.snapshot.keep-entries", c.snapshot().keepEntries(), 0);
        atLeast("golt.limits.max-key-bytes", c.limits().maxKeyBytes(), 1);
        atLeast("golt.limits.max-value-bytes", c.limits().maxValueBytes(), 1);
        // A write travels to the leader in one message: a value the limits admit must fit it.
        above("golt.raft.max-message-bytes", r.maxMessageBytes(), "golt.limits.max-key-bytes + golt.limits.max-value-bytes",
                (long) c.limits().maxKeyBytes() + c.limits().maxValueBytes());
        atLeast("golt.request-timeout-ms", c.requestTimeoutMs(), 1);
        atLeast("golt.request-deadline-ms", c.requestDeadlineMs(), 1);
        atLeast("golt.ready-max-lag", c.readyMaxLag(), 0);
        atLeast("golt.promote-max-lag", c.promoteMaxLag(), 0);
        atLeast("golt.mvcc.retention-seconds", c.mvcc().retentionSeconds(), 0);
        atLeast("golt.shutdown-transfer-ms", c.shutdownTransferMs(), 0);
        Path restoreFrom = c.restoreFrom().filter(f -> !f.isBlank()).map(Path::of).orElse(null);
        if (restoreFrom != null && state == InitialClusterState.EXISTING) {
            problems.add("golt.restore-from (--restore-from) starts a new cluster and cannot go with"
                    + " golt.initial-cluster-state existing");
        }
        c.storage().memtableBytes().ifPresent(v -> atLeast("golt.storage.memtable-bytes", v, 1));
        c.storage().cacheBytes().ifPresent(v -> atLeast("golt.storage.cache-bytes", v, 0));
        atLeast("golt.storage.memtable-max-age-ms", c.storage().memtableMaxAgeMs(), 0);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", problems));
        }

        RaftConfig raft = new RaftConfig(id, r.electionTicksMin(), r.electionTicksMax(), r.heartbeatTicks(),
                r.maxAppendBytes(), r.maxAppendEntries(), r.maxInflightAppends(), r.preVote(), r.checkQuorum(),
                System.nanoTime() ^ id.hashCode());
        return new NodeSettings(id, address, advertise, peers, Path.of(c.data().orElse("/tmp/golt-" + id)), initial,
                state, r.tickMs(), raft, r.maxMessageBytes(), c.snapshot().thresholdEntries(),
                c.snapshot().keepEntries(), c.wal().fsync(), c.limits().maxKeyBytes(), c.limits().maxValueBytes(),
                c.requestTimeoutMs(), c.requestDeadlineMs(), c.readyMaxLag(), c.promoteMaxLag(),
                c.mvcc().retentionSeconds(), restoreFrom);
    }

    private <T> T parsed(String property, Supplier<T> parse, T fallback) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            // the parsers name the flag or property themselves; name the property once
            problems.add(property + ": " + e.getMessage().replaceFirst("^[\\w.-]+: ", ""));
            return fallback;
        }
    }

    private void atLeast(String property, long value, long min) {
        if (value < min) {
            problems.add(property + " must be at least " + min + ", was " + value);
        }
    }

    private void above(String property, long value, String other, long otherValue) {
        if (value <= otherValue) {
            problems.add(property + " (" + value + ") must be greater than " + other + " (" + otherValue + ")");
        }
    }
}
