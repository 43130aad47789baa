package dev.golt.raft;

import dev.golt.proto.ConfState;
import java.util.Map;

/**
 * @param progress per member, on the leader only (empty elsewhere)
 */
public record RaftStatus(
        String id,
        Role role,
        long term,
        String leader,
        long commitIndex,
        long appliedIndex,
        long firstIndex,
        long lastIndex,
        long snapshotIndex,
        ConfState confState,
        String transferee,
        Map<String, Progress> progress) {

    /** Replication state of one follower as the leader sees it. */
    public record Progress(long match, long next, ProgressState state, boolean recentActive, boolean learner) {}

    public enum ProgressState { PROBE, REPLICATE, SNAPSHOT }
}
