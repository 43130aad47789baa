package dev.golt.server;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Runtime configuration of the node ({@code golt.*}; env {@code GOLT_*}): every key and its default,
 * in one place, the way Apache Ratis keeps its typed keys with their defaults together. Read only by
 * {@link NodeConfiguration}, which checks it and turns it into {@link dev.golt.server.node.NodeSettings}.
 */
@ConfigMapping(prefix = "golt")
public interface GoltConfig {

    Optional<String> id();

    Optional<String> address();

    Optional<String> advertise();

    /** host:port of the etcd v3 gRPC API for clients (etcd's 2379); none: not served. */
    Optional<String> grpc();

    Optional<String> peers();

    Optional<String> data();

    Optional<String> initialMembers();

    /** {@code new} (a fresh node may bootstrap) or {@code existing} (it waits to be added); etcd's flag. */
    @WithDefault("new")
    String initialClusterState();

    /**
     * A backup ({@code etcdctl snapshot save}'s file) an empty data directory starts from, as a member
     * of a new cluster; ignored once the directory was restored from it.
     */
    Optional<String> restoreFrom();

    Raft raft();

    Snapshot snapshot();

    Wal wal();

    Storage storage();

    Limits limits();

    @WithDefault("5000")
    long requestTimeoutMs();

    /**
     * How long after reading a client write (or membership change) the node may still propose it.
     * A request still waiting when this passes, or whose client disconnected, is refused with 503
     * "not applied" and never enters the log, so a client that gave up cannot find its old write
     * applied after its retry. Default 3000: below the request timeout, so such a request is
     * refused as not applied before it could be answered as outcome unknown.
     */
    @WithDefault("3000")
    long requestDeadlineMs();

    /** Readiness: how far the applied index may trail the leader's commit index. */
    @WithDefault("1000")
    long readyMaxLag();

    /** A learner within this many entries of the leader's log is promoted to voter. */
    @WithDefault("100")
    long promoteMaxLag();

    /** How long a stopping leader waits for its leadership transfer. */
    @WithDefault("3000")
    long shutdownTransferMs();

    Mvcc mvcc();

    interface Mvcc {
        /**
         * History kept for reads and watches at past revisions: the leader compacts to the revision
         * the store had this many seconds ago (etcd's periodic auto-compaction). 0: never (only
         * explicit Compact requests; kube-apiserver makes its own every 5 minutes).
         */
        @WithDefault("3600")
        long retentionSeconds();
    }

    interface Raft {
        @WithDefault("10")
        long tickMs();

        @WithDefault("15")
        int electionTicksMin();

        @WithDefault("30")
        int electionTicksMax();

        @WithDefault("2")
        int heartbeatTicks();

        /** Largest gRPC message between peers; an append batch and a forwarded write must fit in it. */
        @WithDefault("67108864")
        int maxMessageBytes();

        /** Batching limit on the entry bytes of one append (the core may exceed it by one entry). */
        @WithDefault("1048576")
        long maxAppendBytes();

        /** Batching limit on the number of entries of one append. */
        @WithDefault("512")
        int maxAppendEntries();

        /** Appends in flight per follower in replicate state: the pipelining window. */
        @WithDefault("256")
        int maxInflightAppends();

        /** A pre-vote round first, so that a member rejoining after a partition does not depose a healthy leader. */
        @WithDefault("true")
        boolean preVote();

        /** A leader that has not heard from a quorum for an election timeout steps down. */
        @WithDefault("true")
        boolean checkQuorum();
    }

    interface Snapshot {
        @WithDefault("10000")
        long thresholdEntries();

        @WithDefault("5000")
        long keepEntries();
    }

    interface Wal {
        @WithDefault("true")
        boolean fsync();
    }

    interface Storage {
        Optional<Long> memtableBytes();

        Optional<Long> cacheBytes();

        /**
         * Writes stay in the LSM tree's memtable at most this long before it is flushed; after a
         * crash the node replays its Raft log from the last flush, so this bounds that replay (a
         * memtable also goes at its size, {@code memtable-bytes}). 0: by size only.
         */
        @WithDefault("5000")
        long memtableMaxAgeMs();
    }

    interface Limits {
        @WithDefault("4096")
        int maxKeyBytes();

        @WithDefault("1048576")
        int maxValueBytes();
    }
}
