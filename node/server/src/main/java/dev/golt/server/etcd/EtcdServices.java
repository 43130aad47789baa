package dev.golt.server.etcd;

import dev.golt.server.NodeFlags;
import dev.golt.server.node.GoltNode;
import io.grpc.BindableService;
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
        List<BindableService> services = List.of(new KvService(api), new LeaseService(api),
                new ClusterService(api, clientUrl), new MaintenanceService(api), new AuthService(api));
        ClientUrlPublisher publisher = new ClientUrlPublisher(api, List.of(clientUrl));
        try {
            EtcdServer server = new EtcdServer(new InetSocketAddress(hp.host(), hp.port()), services, List.of(), publisher).start();
            publisher.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + grpcAddress + " (--grpc)", e);
        }
    }
}
