package dev.golt.server.node;

import dev.golt.raft.RaftNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Leadership transfers this leader started, each answered once its target leads. Follows Apache
 * Ratis's {@code TransferLeadership} (pending transfer requests completed when the new leader is
 * seen). Which voter is most up to date when no target is named is the core's choice, read back
 * from its status, so the rule lives in one place. A transfer whose target has not led within
 * {@code giveUpTicks} (the core itself aborts after an election timeout; the target's campaign
 * takes one round trip) or that another member won fails at once instead of holding its caller to
 * a request timeout: a leader stopping together with its target would otherwise wait seconds for
 * an answer that cannot come. Driver thread only.
 */
final class LeadershipTransfers {

    private record Transfer(String target, CompletableFuture<String> future, long startedTick) {}

    private final String id;
    private final RaftNode raft;
    private final RaftEvents events;
    private final long giveUpTicks;
    private final List<Transfer> pending = new ArrayList<>();
    private long ticks;

    LeadershipTransfers(String id, RaftNode raft, RaftEvents events, long giveUpTicks) {
        this.id = id;
        this.raft = raft;
        this.events = events;
        this.giveUpTicks = giveUpTicks;
    }

    /** Starts a transfer to {@code target} (null or empty: the most up-to-date voter); this node leads. */
    void start(String target, CompletableFuture<String> future) {
        if (target == null || target.isEmpty()) {
            raft.transferLeadership("");
            String chosen = raft.status().transferee();
            if (chosen.isEmpty()) {
                future.completeExceptionally(NodeException.unavailable("no follower to transfer leadership to"));
            } else {
                pending.add(new Transfer(chosen, future, ticks));
                events.transferStarted(chosen, raft.status().term());
            }
            return;
        }
        if (target.equals(id)) {
            future.complete(id);
            return;
        }
        if (!raft.status().confState().getVotersList().contains(target)) {
            future.completeExceptionally(new NodeException(NodeException.Kind.NOT_FOUND, "unknown voter " + target));
            return;
        }
        pending.add(new Transfer(target, future, ticks));
        raft.transferLeadership(target);
        events.transferStarted(target, raft.status().term());
    }

    void leaderChanged(String leader, long term) {
        boolean done = false;
        Iterator<Transfer> it = pending.iterator();
        while (it.hasNext()) {
            Transfer t = it.next();
            if (t.target.equals(leader)) {
                t.future.complete(leader);
                it.remove();
                done = true;
            } else if (!leader.isEmpty()) {
                t.future.completeExceptionally(NodeException.unavailable(
                        "leadership transfer to " + t.target + " failed: " + leader + " leads at term " + term));
                it.remove();
            }
        }
        if (done) {
            events.transferDone(leader, term);
        }
    }

    void tick() {
        ticks++;
        Iterator<Transfer> it = pending.iterator();
        while (it.hasNext()) {
            Transfer t = it.next();
            if (ticks - t.startedTick > giveUpTicks) {
                t.future.completeExceptionally(NodeException.unavailable("leadership transfer to " + t.target
                        + " failed: it was not elected within " + giveUpTicks + " ticks"));
                it.remove();
            }
        }
    }
}
