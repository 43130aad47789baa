package dev.golt.operator.reconciler;

import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.SnapshotStatus;
import dev.golt.operator.node.NodeClient;
import dev.golt.operator.node.NodeException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Snapshots on every member via {@code /admin/snapshot}: when {@code spec.snapshots.intervalSeconds}
 * has passed since the last one (or since the cluster was created), and on demand when the
 * annotation {@code golt.dev/snapshot} carries a value not answered yet. The answered value is kept
 * in {@code status.lastSnapshot.annotation}, so the operator never writes to the spec or metadata.
 */
public final class SnapshotStep {

    public static final String REASON_SNAPSHOT_FAILED = "SnapshotFailed";

    private final NodeClient nodes;
    private final Clock clock;

    public SnapshotStep(NodeClient nodes, Clock clock) {
        this.nodes = nodes;
        this.clock = clock;
    }

    /** Whether a snapshot is due now. */
    public boolean due(ClusterState state, SnapshotStatus last, String creationTimestamp) {
        String requested = state.model().annotation(GoltCluster.ANNOTATION_SNAPSHOT);
        if (requested != null && (last == null || !requested.equals(last.annotation))) {
            return true;
        }
        Long interval = state.model().snapshotIntervalSeconds();
        if (interval == null) {
            return false;
        }
        String since = last != null && last.time != null ? last.time : creationTimestamp;
        return since == null || !Instant.parse(since).plusSeconds(interval).isAfter(clock.instant());
    }

    /** Time until the next scheduled snapshot, if a schedule is set. */
    public Optional<Duration> untilNext(ClusterState state, SnapshotStatus last, String creationTimestamp) {
        Long interval = state.model().snapshotIntervalSeconds();
        if (interval == null) {
            return Optional.empty();
        }
        String since = last != null && last.time != null ? last.time : creationTimestamp;
        Duration left = since == null ? Duration.ZERO : Duration.between(clock.instant(), Instant.parse(since).plusSeconds(interval));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    /**
     * Takes a snapshot on every voter. Returns the new status, or a failure message when some
     * member did not answer (the round is then retried as a whole).
     */
    public Result snapshot(ClusterState state) {
        long highest = -1;
        List<String> failed = new ArrayList<>();
        for (String id : state.voters()) {
            Optional<URI> endpoint = state.endpoint(id);
            try {
                if (endpoint.isEmpty()) {
                    failed.add(id + " (no address)");
                    continue;
                }
                highest = Math.max(highest, nodes.snapshot(endpoint.get()));
            } catch (NodeException e) {
                failed.add(id + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty() || highest < 0) {
            return new Result(null, "snapshot failed on " + (failed.isEmpty() ? "all members" : failed));
        }
        SnapshotStatus status = new SnapshotStatus();
        status.index = highest;
        status.time = clock.instant().toString();
        status.annotation = state.model().annotation(GoltCluster.ANNOTATION_SNAPSHOT);
        return new Result(status, null);
    }

    public record Result(SnapshotStatus status, String failure) {
    }
}
