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
        List<BindableService> services = List.of(new KvService(api), new LeaseService(api),
                new ClusterService(api, "http://" + host + ":" + hp.port()), new MaintenanceService(api), new AuthService(api));
        try {
            return new EtcdServer(new InetSocketAddress(hp.host(), hp.port()), services, List.of()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + grpcAddress + " (--grpc)", e);
        }
    }
}
