package dev.golt.server.node;

import dev.golt.raft.RaftConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a node needs to start, already checked. Built in one place only,
 * {@code dev.golt.server.NodeConfiguration}, from the node's configuration ({@code GoltConfig}), where
 * every default lives; the in-JVM test harness goes through the same path with its own properties.
 *
 * @param peers          other members' Raft addresses by id (used to bootstrap and before the
 *                       membership carries addresses)
 * @param initialMembers members bootstrapping a new cluster; null means self + peers
 * @param initialClusterState whether a node with an empty data directory may bootstrap at all
 *                       (etcd's {@code --initial-cluster-state}): {@code EXISTING} never does, it
 *                       waits to be added by the leader, so a wiped member cannot found a second cluster
 * @param raft           the core's tuning, in ticks of {@code tickMs}
 * @param maxMessageBytes largest gRPC message between peers
 * @param requestDeadlineMs how long after reading a write the node may still propose it (see
 *                       {@link RequestDeadline})
 * @param retentionSeconds history kept before the leader compacts it ({@link AutoCompactor}; 0: never)
 * @param restoreFrom    a {@link BackupFile} an empty data directory starts from as a member of a new
 *                       cluster ({@link BackupRestore}); null: none
 */
public record NodeSettings(
        String id,
        String bindAddress,
        String advertise,
        Map<String, String> peers,
        Path dataDir,
        List<String> initialMembers,
        InitialClusterState initialClusterState,
        long tickMs,
        RaftConfig raft,
        int maxMessageBytes,
        long snapshotThresholdEntries,
        long snapshotKeepEntries,
        boolean fsync,
        int maxKeyBytes,
        int maxValueBytes,
        long requestTimeoutMs,
        long requestDeadlineMs,
        long readyMaxLag,
        long promoteMaxLag,
        long retentionSeconds,
        Path restoreFrom) {

    /** etcd's {@code --initial-cluster-state}: {@code new} bootstraps a fresh node, {@code existing} never. */
    public enum InitialClusterState {
        NEW, EXISTING;

        /** Parses the flag value ({@code new} or {@code existing}, any case). */
        public static InitialClusterState parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "new" -> NEW;
                case "existing" -> EXISTING;
                default -> throw new IllegalArgumentException(
                        "--initial-cluster-state: expected new or existing, got '" + value + "'");
            };
        }
    }
}
