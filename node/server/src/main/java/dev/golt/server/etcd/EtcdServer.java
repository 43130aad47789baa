package dev.golt.server.etcd;

import io.grpc.BindableService;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The etcd v3 gRPC API of one node on its {@code --grpc} address (etcd's client port, 2379). The
 * services that etcd builds as clients of its own API (Lock, Election) get an in-process channel to
 * the same services here ({@link #loopback()}), as etcd's {@code v3client} does.
 *
 * <p>Calls run on the event loop that read them, without a hop to a thread pool, except those of
 * the services built over the loopback channel: they wait on it (blocking stubs), so they get
 * gRPC's default executor. The others only hand requests to the node and complete on the API's
 * client threads.
 */
public final class EtcdServer implements AutoCloseable {

    /** etcd's default --max-request-bytes (1.5 MiB) plus gRPC's overhead allowance. */
    static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private final Server server;
    private final Server inProcess;
    private final ManagedChannel loopback;
    private final AutoCloseable[] companions;
    private final EventLoopGroup bossGroup;

    /**
     * @param workers      the event loops of client connections (the etcd API's client threads;
     *                     not shut down here)
     * @param services     the services clients reach; they must not block
     * @param overLoopback services built on a channel to the first ones (Lock, Election)
     * @param companions   stopped with the server
     */
    public EtcdServer(InetSocketAddress address, EventLoopGroup workers, List<BindableService> services,
            List<Function<io.grpc.Channel, BindableService>> overLoopback, AutoCloseable... companions) {
        this.companions = companions;
        String name = "golt-etcd-" + address;
        InProcessServerBuilder local = InProcessServerBuilder.forName(name);
        services.forEach(local::addService);
        this.inProcess = local.build();
        this.loopback = InProcessChannelBuilder.forName(name).build();
        // Its own event loops: client traffic must not queue behind (or in front of) the Raft
        // messages on the peer transport's shared ones.
        this.bossGroup = new NioEventLoopGroup(1);
        List<BindableService> blocking = overLoopback.stream().map(f -> f.apply(loopback)).toList();
        Set<String> blockingServices = blocking.stream().map(s -> s.bindService().getServiceDescriptor().getName())
                .collect(Collectors.toSet());
        NettyServerBuilder b = NettyServerBuilder.forAddress(address)
                .bossEventLoopGroup(bossGroup).workerEventLoopGroup(workers)
                .channelType(NioServerSocketChannel.class)
                .callExecutor(new ServerCallExecutorSupplier() {
                    @Override
                    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
                        return blockingServices.contains(call.getMethodDescriptor().getServiceName())
                                ? null : MoreExecutors.directExecutor();
                    }
                })
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                // etcd's keepalive enforcement: clients may ping every 5 s, also without calls.
                .permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
        services.forEach(b::addService);
        blocking.forEach(b::addService);
        this.server = b.build();
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
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
