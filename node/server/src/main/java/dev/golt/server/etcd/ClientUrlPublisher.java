package dev.golt.server.etcd;

import dev.golt.proto.Command;
import dev.golt.proto.MemberAttributes;
import dev.golt.server.node.RequestDeadline;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Publishes this member's client URLs through the log once it serves them (etcd's
 * {@code publishV3}), so that every member lists every member's etcd endpoint: peers know each
 * other's Raft addresses only. Checks once a second until the replicated record says what this
 * member serves, then only after a change (a restart with a new address publishes again).
 */
final class ClientUrlPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClientUrlPublisher.class);

    private final EtcdApi api;
    private final List<String> urls;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "golt-etcd-publish");
        t.setDaemon(true);
        return t;
    });

    ClientUrlPublisher(EtcdApi api, List<String> urls) {
        this.api = api;
        this.urls = List.copyOf(urls);
    }

    void start() {
        timer.scheduleWithFixedDelay(this::publishIfNeeded, 0, 1, TimeUnit.SECONDS);
    }

    private void publishIfNeeded() {
        try {
            String self = api.node().settings().id();
            if (urls.equals(api.store().memberClientUrls().get(self)) || api.node().driver().leader().isEmpty()) {
                return;
            }
            Command c = Command.newBuilder().setMemberAttributes(MemberAttributes.newBuilder().setId(self).addAllClientUrls(urls)).build();
            api.node().write(c, RequestDeadline.after(api.node().settings().requestDeadlineMs())).get(10, TimeUnit.SECONDS);
            LOG.infof("published client URLs %s", urls);
        } catch (Exception e) {
            LOG.debugf("publishing client URLs failed (retrying): %s", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
