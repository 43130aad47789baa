package dev.golt.server;

import dev.golt.server.etcd.EtcdApi;
import dev.golt.server.etcd.EtcdServer;
import dev.golt.server.etcd.EtcdServices;
import dev.golt.server.node.Components;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Starts the node with the application and stops it (handing leadership over first) on SIGTERM. */
@ApplicationScoped
public class NodeHolder {

    private static final Logger LOG = Logger.getLogger(NodeHolder.class);

    private final GoltConfig config;
    private final MeterRegistry registry;
    private volatile GoltNode node;
    private volatile EtcdServer etcd;
    private volatile EtcdApi etcdApi;

    public NodeHolder(GoltConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        // Nonsense configuration fails here, before anything opens or listens, naming the property.
        NodeSettings settings = NodeConfiguration.settings(config);
        Components components = new DefaultComponents(config.storage().memtableBytes(), config.storage().cacheBytes(),
                config.storage().memtableMaxAgeMs());
        node = new GoltNode(settings, components, registry).start();
        etcdApi = new EtcdApi(node);
        dev.golt.server.etcd.watch.WatchMetrics.register(registry, etcdApi.watches());
        etcd = config.grpc().map(address -> EtcdServices.start(etcdApi, address)).orElse(null);
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        GoltNode n = node;
        if (etcd != null) {
            etcd.close();
        }
        if (etcdApi != null) {
            etcdApi.close();
        }
        if (n != null) {
            LOG.infof("stopping node %s", n.settings().id());
            n.shutdownGracefully(config.shutdownTransferMs());
        }
    }

    /** The etcd v3 API over this node (for the JSON gateway; the gRPC services have their own). */
    public EtcdApi etcd() {
        EtcdApi a = etcdApi;
        if (a == null) {
            throw new IllegalStateException("node not started");
        }
        return a;
    }

    /** An in-process channel to this node's etcd gRPC services, or null without {@code --grpc}. */
    public io.grpc.Channel etcdLoopback() {
        EtcdServer s = etcd;
        return s == null ? null : s.loopback();
    }

    public GoltNode node() {
        GoltNode n = node;
        if (n == null) {
            throw new IllegalStateException("node not started");
        }
        return n;
    }
}
