package dev.golt.server.transport;

import dev.golt.proto.ForwardRequest;
import dev.golt.proto.ForwardResponse;
import dev.golt.proto.Message;
import dev.golt.server.node.PeerNetwork;
import dev.golt.server.node.Snapshots;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The peer network over gRPC: {@link PeerTransport} (client streams to each peer) and
 * {@link RaftGrpcService} on a Netty server of its own (the node's Raft address, not the HTTP port).
 */
public final class GrpcPeerNetwork implements PeerNetwork {

    private final PeerTransport transport;
    private final RaftGrpcService service;
    private final Server server;

    public GrpcPeerNetwork(String selfId, InetSocketAddress bindAddress, int maxMessageBytes, Snapshots snapshots, Inbound inbound) {
        this.transport = new PeerTransport(selfId, maxMessageBytes, inbound::unreachable, inbound::snapshotDone);
        this.service = new RaftGrpcService(m -> {
            transport.heardFrom(m.getFrom());
            inbound.step(m);
        }, snapshots, inbound::serveForward);
        this.server = NettyServerBuilder.forAddress(bindAddress)
                .addService(service)
                // Handlers only enqueue to the driver or hand off to virtual threads: running them on the
                // event loop saves a thread hop per message (the default executor is a cached pool).
                .directExecutor()
                .maxInboundMessageSize(maxMessageBytes)
                .permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .build();
    }

    @Override
    public void start() throws IOException {
        server.start();
    }

    @Override
    public void send(Message message) {
        transport.send(message);
    }

    @Override
    public void sendSnapshot(Message message, Path dir) {
        transport.sendSnapshot(message, dir);
    }

    @Override
    public void updateAddresses(Map<String, String> addresses) {
        transport.updateAddresses(addresses);
    }

    @Override
    public CompletableFuture<ForwardResponse> forward(String leaderId, ForwardRequest request, long timeoutMs) {
        return transport.forward(leaderId, request, timeoutMs);
    }

    @Override
    public void setIsolated(boolean isolated) {
        transport.setIsolated(isolated);
        service.setIsolated(isolated);
    }

    @Override
    public void close() {
        server.shutdownNow();
        transport.close();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
