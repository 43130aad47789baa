package dev.golt.raft;

import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfState;
import dev.golt.proto.Message;

/**
 * The consensus core as its driver sees it: a pure state machine. Nothing here blocks, reads a
 * clock, starts a thread or does I/O; time arrives as {@link #tick()} and randomness comes from
 * the seed in {@link RaftConfig}. Not thread-safe: one driver thread owns it.
 */
public interface RaftNode {

    /** Advances logical time by one tick (elections, heartbeats, check-quorum, transfer timeout). */
    void tick();

    /** Feeds a message received from a peer (or a local report such as MSG_UNREACHABLE). Stale or foreign messages are ignored. */
    void step(Message message);

    /**
     * Appends a command to the leader's log.
     *
     * @return the index the entry was given; it is committed and applied at this index unless a
     *         different term's entry is later applied there (the proposal was then lost)
     * @throws ProposalDroppedException when this node is not the leader or is transferring leadership
     */
    long propose(byte[] command);

    /** Like {@link #propose} for a membership change; at most one may be pending at a time. */
    long proposeConfChange(ConfChange change);

    /**
     * Starts a linearizable read; a {@link ReadState} carrying {@code context} appears in a later
     * {@link Ready} once leadership at the returned index is confirmed by a quorum.
     *
     * @throws ProposalDroppedException when no leader is known
     */
    void readIndex(byte[] context);

    /** Asks the leader (this node or, forwarded, the current one) to hand leadership to {@code target}. */
    void transferLeadership(String target);

    /** Reports that a message to {@code peer} could not be delivered. */
    void reportUnreachable(String peer);

    /** Reports how sending a snapshot to {@code peer} ended. */
    void reportSnapshot(String peer, boolean success);

    boolean hasReady();

    /** The pending work; call {@link #advance} once it is done before asking again. */
    Ready ready();

    /** Acknowledges that {@code ready} was persisted, sent and applied. */
    void advance(Ready ready);

    /** Whether a message in a Ready may be sent before that Ready's entries are durable (a leader's appends and heartbeats). */
    boolean mayBeSentBeforePersist(Message message);

    /** A consistent copy of the core's state, for status pages, health and learner promotion. */
    RaftStatus status();

    /**
     * The configuration as of log index {@code index} (at or after the last snapshot): what a
     * snapshot of the state machine applied up to there must record. {@link RaftStatus#confState()}
     * is the configuration at the end of the log, which takes effect on append.
     */
    ConfState confStateAt(long index);
}
