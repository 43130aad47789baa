package dev.golt.server;

import dev.golt.server.node.Components;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/** Starts the node with the application and stops it (handing leadership over first) on SIGTERM. */
@ApplicationScoped
public class NodeHolder {

    private static final Logger LOG = Logger.getLogger(NodeHolder.class);

    private final GoltConfig config;
    private final MeterRegistry registry;
    private volatile GoltNode node;

    public NodeHolder(GoltConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        NodeSettings settings = settings(config);
        Components components = new DefaultComponents(config.storage().memtableBytes(), config.storage().cacheBytes());
        node = new GoltNode(settings, components, registry).start();
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        GoltNode n = node;
        if (n != null) {
            LOG.infof("stopping node %s", n.settings().id());
            n.shutdownGracefully(config.shutdownTransferMs());
        }
    }

    public GoltNode node() {
        GoltNode n = node;
        if (n == null) {
            throw new IllegalStateException("node not started");
        }
        return n;
    }

    static NodeSettings settings(GoltConfig c) {
        String id = c.id().orElseThrow(() -> new IllegalArgumentException("--id (GOLT_ID) is required"));
        String address = c.address().orElseThrow(() -> new IllegalArgumentException("--address (GOLT_ADDRESS) is required"));
        List<String> initial = c.initialMembers()
                .map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList())
                .orElse(null);
        GoltConfig.Raft r = c.raft();
        return new NodeSettings(id, address, c.advertise().orElse(address), NodeFlags.parsePeers(c.peers().orElse("")),
                Path.of(c.data().orElse("/tmp/golt-" + id)), initial, r.tickMs(), r.electionTicksMin(),
                r.electionTicksMax(), r.heartbeatTicks(), c.snapshot().thresholdEntries(), c.snapshot().keepEntries(),
                c.wal().fsync(), c.limits().maxKeyBytes(), c.limits().maxValueBytes(), c.requestTimeoutMs(),
                r.maxMessageBytes(), c.readyMaxLag(), c.promoteMaxLag(),
                NodeSettings.InitialClusterState.parse(c.initialClusterState()), c.requestDeadlineMs());
    }
}
