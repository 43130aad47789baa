package dev.golt.server.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a node needs to start, independent of how it was configured (Quarkus config in the
 * application, plain values in the in-JVM test harness).
 *
 * @param peers          other members' Raft addresses by id (used to bootstrap and before the
 *                       membership carries addresses)
 * @param initialMembers members bootstrapping a new cluster; null means self + peers
 * @param initialClusterState whether a node with an empty data directory may bootstrap at all
 *                       (etcd's {@code --initial-cluster-state}): {@code EXISTING} never does, it
 *                       waits to be added by the leader, so a wiped member cannot found a second cluster
 * @param requestDeadlineMs how long after reading a write the node may still propose it (see
 *                       {@link RequestDeadline})
 */
public record NodeSettings(
        String id,
        String bindAddress,
        String advertise,
        Map<String, String> peers,
        Path dataDir,
        List<String> initialMembers,
        long tickMs,
        int electionTicksMin,
        int electionTicksMax,
        int heartbeatTicks,
        long snapshotThresholdEntries,
        long snapshotKeepEntries,
        boolean fsync,
        int maxKeyBytes,
        int maxValueBytes,
        long requestTimeoutMs,
        int maxMessageBytes,
        long readyMaxLag,
        long promoteMaxLag,
        InitialClusterState initialClusterState,
        long requestDeadlineMs) {

    public static final long DEFAULT_REQUEST_DEADLINE_MS = 3_000;

    /** etcd's {@code --initial-cluster-state}: {@code new} bootstraps a fresh node, {@code existing} never. */
    public enum InitialClusterState {
        NEW, EXISTING;

        /** Parses the flag value ({@code new} or {@code existing}, any case). */
        public static InitialClusterState parse(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "new" -> NEW;
                case "existing" -> EXISTING;
                default -> throw new IllegalArgumentException(
                        "--initial-cluster-state: expected new or existing, got '" + value + "'");
            };
        }
    }

    /** Today's behaviour for callers that predate the flag: a fresh node may bootstrap. */
    public NodeSettings(String id, String bindAddress, String advertise, Map<String, String> peers, Path dataDir,
                        List<String> initialMembers, long tickMs, int electionTicksMin, int electionTicksMax,
                        int heartbeatTicks, long snapshotThresholdEntries, long snapshotKeepEntries, boolean fsync,
                        int maxKeyBytes, int maxValueBytes, long requestTimeoutMs, int maxMessageBytes,
                        long readyMaxLag, long promoteMaxLag) {
        this(id, bindAddress, advertise, peers, dataDir, initialMembers, tickMs, electionTicksMin, electionTicksMax,
                heartbeatTicks, snapshotThresholdEntries, snapshotKeepEntries, fsync, maxKeyBytes, maxValueBytes,
                requestTimeoutMs, maxMessageBytes, readyMaxLag, promoteMaxLag, InitialClusterState.NEW,
                DEFAULT_REQUEST_DEADLINE_MS);
    }

    public static NodeSettings defaults(String id, String address, Map<String, String> peers, Path dataDir) {
        return new NodeSettings(id, address, address, peers, dataDir, null, 10, 15, 30, 2,
                10_000, 5_000, true, 4096, 1 << 20, 5_000, 64 << 20, 1_000, 100);
    }

    public NodeSettings withSnapshot(long thresholdEntries, long keepEntries) {
        return new NodeSettings(id, bindAddress, advertise, peers, dataDir, initialMembers, tickMs,
                electionTicksMin, electionTicksMax, heartbeatTicks, thresholdEntries, keepEntries, fsync,
                maxKeyBytes, maxValueBytes, requestTimeoutMs, maxMessageBytes, readyMaxLag, promoteMaxLag,
                initialClusterState, requestDeadlineMs);
    }

    public NodeSettings withInitialMembers(List<String> members) {
        return new NodeSettings(id, bindAddress, advertise, peers, dataDir, members, tickMs,
                electionTicksMin, electionTicksMax, heartbeatTicks, snapshotThresholdEntries,
                snapshotKeepEntries, fsync, maxKeyBytes, maxValueBytes, requestTimeoutMs, maxMessageBytes,
                readyMaxLag, promoteMaxLag, initialClusterState, requestDeadlineMs);
    }

    public NodeSettings withInitialClusterState(InitialClusterState state) {
        return new NodeSettings(id, bindAddress, advertise, peers, dataDir, initialMembers, tickMs,
                electionTicksMin, electionTicksMax, heartbeatTicks, snapshotThresholdEntries,
                snapshotKeepEntries, fsync, maxKeyBytes, maxValueBytes, requestTimeoutMs, maxMessageBytes,
                readyMaxLag, promoteMaxLag, state, requestDeadlineMs);
    }

    public NodeSettings withRequestDeadline(long millis) {
        return new NodeSettings(id, bindAddress, advertise, peers, dataDir, initialMembers, tickMs,
                electionTicksMin, electionTicksMax, heartbeatTicks, snapshotThresholdEntries,
                snapshotKeepEntries, fsync, maxKeyBytes, maxValueBytes, requestTimeoutMs, maxMessageBytes,
                readyMaxLag, promoteMaxLag, initialClusterState, millis);
    }
}
