package dev.golt.server;

import dev.golt.server.node.RaftDriver;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Liveness: the consensus loop runs. Readiness: a leader is known and this node has applied nearly all it committed. */
public final class NodeHealth {

    private NodeHealth() {}

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final NodeHolder holder;

        public Live(NodeHolder holder) {
            this.holder = holder;
        }

        @Override
        public HealthCheckResponse call() {
            RaftDriver d = holder.node().driver();
            return HealthCheckResponse.named("raft-loop").status(d.isRunning()).build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final NodeHolder holder;

        public Ready(NodeHolder holder) {
            this.holder = holder;
        }

        @Override
        public HealthCheckResponse call() {
            RaftDriver d = holder.node().driver();
            long lag = d.leaderCommit() - d.appliedIndex();
            boolean ready = d.isRunning() && !d.leader().isEmpty() && lag <= holder.node().settings().readyMaxLag();
            return HealthCheckResponse.named("raft-caught-up").status(ready)
                    .withData("leader", d.leader()).withData("appliedIndex", d.appliedIndex())
                    .withData("leaderCommitIndex", d.leaderCommit()).build();
        }
    }
}
