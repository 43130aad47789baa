package dev.golt.server.node;

import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
import dev.golt.raft.ProposalDroppedException;
import dev.golt.raft.RaftNode;
import dev.golt.raft.RaftStatus;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Promotes a learner to voter once it has caught up with the leader's log, so that a new member
 * never counts towards quorum while it still lags. Follows Apache Ratis's staging of new peers
 * ({@code LeaderStateImpl}'s configuration staging, which adds them as voters only once caught up).
 * Driver thread only, on the leader.
 */
final class LearnerPromotion {

    private static final Logger LOG = Logger.getLogger(LearnerPromotion.class);

    private final String id;
    private final RaftNode raft;
    private final long maxLag;

    LearnerPromotion(String id, RaftNode raft, long maxLag) {
        this.id = id;
        this.raft = raft;
        this.maxLag = maxLag;
    }

    /** Proposes promoting the first caught-up learner; one membership change at a time. */
    void promoteCaughtUp(RaftStatus s) {
        if (s.confState().getLearnersCount() == 0) {
            return;
        }
        for (Map.Entry<String, RaftStatus.Progress> e : s.progress().entrySet()) {
            RaftStatus.Progress p = e.getValue();
            if (p.learner() && p.recentActive() && s.lastIndex() - p.match() <= maxLag) {
                try {
                    raft.proposeConfChange(ConfChange.newBuilder()
                            .setType(ConfChangeType.CONF_PROMOTE_LEARNER).setNodeId(e.getKey()).build());
                    LOG.infof("%s: promoting caught-up learner %s", id, e.getKey());
                } catch (ProposalDroppedException ignored) {
                    // another membership change is pending; retry on a later tick
                }
                return;
            }
        }
    }
}
