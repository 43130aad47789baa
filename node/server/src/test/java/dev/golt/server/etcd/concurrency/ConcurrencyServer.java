// ConcurrencyServer: Golt's LockService and ElectionService on a loopback gRPC server whose
// etcd v3 API is the given channel (a real etcd in these tests), and a channel to that server.
package dev.golt.server.etcd.concurrency;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** What the node will do in-process, done over Netty so the services face real transport and cancellation. */
final class ConcurrencyServer implements AutoCloseable {

    private final Server server;
    private final ManagedChannel channel;

    ConcurrencyServer(Channel etcd) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new LockService(etcd))
                .addService(new ElectionService(etcd))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    /** A channel to the Lock and Election services. */
    ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
