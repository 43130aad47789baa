package dev.golt.bench;

import java.util.Map;

/** A 3-member cluster of one system, started on loopback for the duration of its measurements. */
public interface ClusterUnderTest extends AutoCloseable {

    String system();

    /** What was measured, e.g. "etcd 3.4.23"; goes into the result file and the table header. */
    String version();

    KvApi api();

    /** Starts all members and returns once a leader serves requests. */
    void start();

    /** The current leader's HTTP endpoint (asked from the cluster, not cached). */
    Endpoint leader();

    /** A member that is not the current leader. */
    Endpoint follower();

    /** kill -9 of all members, all started again on their data: how long until they serve (see LocalCluster). */
    LocalCluster.Recovery killAllAndRestart(java.time.Duration timeout);

    /**
     * Member id to the member's etcd v3 gRPC address, {@code host:port} (etcd: its client port;
     * Golt: {@code --grpc}); empty for a Golt cluster started without {@code --grpc}.
     */
    Map<String, String> grpcEndpoints();

    /** Member id to server process id, for CPU and memory accounting. */
    Map<String, Long> pids();

    @Override
    void close();
}
