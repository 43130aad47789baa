package dev.golt.server.node;

import dev.golt.proto.ForwardRequest;
import dev.golt.proto.ForwardResponse;
import dev.golt.proto.Message;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The node's link to its peers, as the node sees it (Apache Ratis's {@code RaftServerRpc}: the server
 * knows an interface, the gRPC implementation lives apart): messages out ({@link Outbox}), writes
 * forwarded to the leader, the peers' calls in, and fault injection. Implemented by
 * {@code transport.GrpcPeerNetwork}; made by {@link Components}, so this package does not depend on
 * the transport.
 */
public interface PeerNetwork extends Outbox, AutoCloseable {

    /** What the network hands to the node. Called only after {@link #start()}. */
    interface Inbound {
        /** A Raft message from a peer. */
        void step(Message message);

        /** A message to {@code peer} could not be delivered. */
        void unreachable(String peer);

        /** A snapshot stream to {@code peer} ended, delivered or not. */
        void snapshotDone(String peer, boolean delivered);

        /** The leader's side of {@link #forward}; {@code disconnected} tells when the follower's call is gone. */
        CompletableFuture<ForwardResponse> serveForward(ForwardRequest request, BooleanSupplier disconnected);
    }

    /** Starts listening for the peers' calls. */
    void start() throws IOException;

    /** Hands a request to {@code leaderId}; fails with a gRPC status when unreachable. */
    CompletableFuture<ForwardResponse> forward(String leaderId, ForwardRequest request, long timeoutMs);

    /** Fault injection: cuts this node off from its peers in both directions (or heals it). */
    void setIsolated(boolean isolated);

    /** Stops listening and closes every peer connection. */
    @Override
    void close();
}
