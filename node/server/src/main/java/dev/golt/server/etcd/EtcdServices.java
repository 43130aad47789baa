package dev.golt.server.etcd;

import dev.golt.server.NodeFlags;
import dev.golt.server.node.GoltNode;
import dev.golt.server.etcd.concurrency.ElectionService;
import dev.golt.server.etcd.concurrency.LockService;
import dev.golt.server.etcd.watch.WatchService;
import io.grpc.BindableService;
import io.grpc.Channel;
import java.util.function.Function;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;

/** Which etcd services a node serves, and on what: the one place that lists them. */
public final class EtcdServices {

    private EtcdServices() {}

    /** Starts the etcd API of {@code node} on {@code grpcAddress} (host:port). */
    public static EtcdServer start(EtcdApi api, String grpcAddress) {
        NodeFlags.HostPort hp = NodeFlags.HostPort.parse(grpcAddress, "--grpc");
        GoltNode node = api.node();
        String host = hp.host().equals("0.0.0.0") || hp.host().isEmpty()
                ? NodeFlags.HostPort.parse(node.settings().advertise(), "--advertise").host() : hp.host();
        String clientUrl = "http://" + host + ":" + hp.port();
        WatchService watch = new WatchService(api.watches(), api::header);
        List<BindableService> services = List.of(new KvService(api), watch,
                new LeaseService(api), new ClusterService(api, clientUrl), new MaintenanceService(api), new AuthService(api));
        // etcd builds these as clients of its own API (v3lock, v3election over v3client): so do we.
        List<Function<Channel, BindableService>> overLoopback = List.of(LockService::new, ElectionService::new);
        ClientUrlPublisher publisher = new ClientUrlPublisher(api, List.of(clientUrl));
        try {
            // Closing the watch service first ends open watch streams with UNAVAILABLE, so their
            // clients move to another member at once.
            EtcdServer server = new EtcdServer(new InetSocketAddress(hp.host(), hp.port()), services, overLoopback,
                    publisher, watch).start();
            publisher.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + grpcAddress + " (--grpc)", e);
        }
    }
}
