package dev.golt.server.etcd;

import com.google.common.util.concurrent.MoreExecutors;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.LeaseGrpc;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The etcd v3 gRPC API of one node on its {@code --grpc} address (etcd's client port, 2379). The
 * services that etcd builds as clients of its own API (Lock, Election) get an in-process channel to
 * the same services here ({@link #loopback()}), as etcd's {@code v3client} does.
 */
public final class EtcdServer implements AutoCloseable {

    /** etcd's default --max-request-bytes (1.5 MiB) plus gRPC's overhead allowance. */
    static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private final Server server;
    private final Server inProcess;
    private final ManagedChannel loopback;
    private final AutoCloseable[] companions;
    private final io.netty.channel.EventLoopGroup bossGroup;
    private final io.netty.channel.EventLoopGroup workerGroup;

    /**
     * @param services     the services clients reach
     * @param overLoopback services built on a channel to the first ones (Lock, Election)
     * @param companions   stopped with the server
     */
    public EtcdServer(InetSocketAddress address, List<BindableService> services,
            List<Function<io.grpc.Channel, BindableService>> overLoopback, AutoCloseable... companions) {
        this.companions = companions;
        String name = "golt-etcd-" + address;
        InProcessServerBuilder local = InProcessServerBuilder.forName(name);
        services.forEach(local::addService);
        this.inProcess = local.build();
        this.loopback = InProcessChannelBuilder.forName(name).build();
        // Its own event loops: client traffic must not queue behind (or in front of) the Raft
        // messages on the peer transport's shared ones.
        this.bossGroup = new io.netty.channel.nio.NioEventLoopGroup(1);
        this.workerGroup = new io.netty.channel.nio.NioEventLoopGroup(2);
        NettyServerBuilder b = NettyServerBuilder.forAddress(address)
                .bossEventLoopGroup(bossGroup).workerEventLoopGroup(workerGroup)
                .channelType(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .callExecutor(EtcdServer::executorFor)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                // etcd's keepalive enforcement: clients may ping every 5 s, also without calls.
                .permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
        List<BindableService> all = new ArrayList<>(services);
        overLoopback.forEach(f -> all.add(f.apply(loopback)));
        all.forEach(b::addService);
        this.server = b.build();
    }

    /**
     * KV and Lease calls run on the event loop that read them: their handlers only check the request
     * and hand it to the node (or read the local store), so a hop to gRPC's default pool would cost
     * a thread wake-up per call for nothing. Everything else (Watch, Lock, Election, Cluster,
     * Maintenance, whose handlers may scan the store or walk the data directory) keeps the pool.
     */
    private static Executor executorFor(ServerCall<?, ?> call, Metadata headers) {
        String service = call.getMethodDescriptor().getServiceName();
        return KVGrpc.SERVICE_NAME.equals(service) || LeaseGrpc.SERVICE_NAME.equals(service) ? MoreExecutors.directExecutor() : null;
    }

    public EtcdServer start() throws IOException {
        inProcess.start();
        server.start();
        return this;
    }

    public io.grpc.Channel loopback() {
        return loopback;
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        for (AutoCloseable c : companions) {
            try {
                c.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
        server.shutdownNow();
        loopback.shutdownNow();
        inProcess.shutdownNow();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
