package dev.golt.raft;

import com.google.protobuf.ByteString;
import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.proto.HardState;
import dev.golt.proto.Message;
import dev.golt.proto.MessageType;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.raft.RaftStatus.ProgressState;
import dev.golt.raft.quorum.VoteResult;
import dev.golt.raft.tracker.Progress;
import dev.golt.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Raft state machine (after etcd-io/raft's raft.go and rawnode.go): pre-vote, check-quorum,
 * pipelined replication with fast backtracking, snapshots, ReadIndex, leadership transfer and
 * single-server membership changes with learners. Deterministic: time is {@link #tick()},
 * randomness comes from {@link RaftConfig#seed()}. As in etcd, the leader's bookkeeping of its
 * peers is a {@link ProgressTracker}, every count to a quorum a {@link dev.golt.raft.quorum.Majority},
 * and pending reads a {@link ReadIndexTracker}.
 */
public final class RawNode implements RaftNode {

    static final String NONE = "";
    static final ByteString TRANSFER = ByteString.copyFromUtf8("transfer");

    private final RaftConfig cfg;
    private final String id;
    private final LogStorage storage;
    private final RaftLog log;
    private final Random random;
    private final Membership membership;
    private final long maxApplyBytes;

    private long term;
    private String vote = NONE;
    private String lead = NONE;
    private Role role = Role.FOLLOWER;
    private final ProgressTracker trk;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    private String leadTransferee = NONE;
    private boolean broadcastPending;

    private final ReadIndexTracker reads;

    private List<Message> msgs = new ArrayList<>();
    private List<ReadState> readStates = new ArrayList<>();
    private HardState prevHard;
    private SoftState prevSoft;
    private Ready outstanding;

    public RawNode(RaftConfig config, LogStorage storage, ConfState bootstrap) {
        this.cfg = config;
        this.id = config.id();
        this.storage = storage;
        this.random = new Random(config.seed());
        // etcd-raft's MaxCommittedSizePerReady default: a long catch-up (a restart replaying its
        // log tail) comes in Readys of at most one append's bytes, so the driver ticks, votes and
        // answers between them instead of going silent for the whole replay.
        this.maxApplyBytes = config.maxMsgBytes();
        this.log = new RaftLog(storage);
        this.trk = new ProgressTracker(id, config.maxInflight());
        this.reads = new ReadIndexTracker(id);

        LogStorage.InitialState initial = storage.initialState();
        HardState hs = initial.hardState() == null ? HardState.getDefaultInstance() : initial.hardState();
        SnapshotMetadata snap = storage.snapshotMetadata();
        this.membership = new Membership(initial.confState() == null ? ConfState.getDefaultInstance() : initial.confState());
        replayConfChanges(snap.getIndex());

        boolean fresh = hs.getTerm() == 0 && storage.lastIndex() == 0 && snap.getIndex() == 0;
        this.term = hs.getTerm();
        this.vote = hs.getVote();
        if (fresh && bootstrap != null && !isEmpty(bootstrap) && isEmpty(membership.current())) {
            // Every bootstrapping member writes this same entry, so it is committed from the start.
            Entry e = Entry.newBuilder().setTerm(1).setIndex(1).setType(EntryType.ENTRY_CONF_CHANGE)
                    .setData(ConfChange.newBuilder().setType(ConfChangeType.CONF_BOOTSTRAP)
                            .setConfState(bootstrap).build().toByteString())
                    .build();
            log.appendOne(e);
            membership.appended(List.of(e));
            log.commitTo(1);
            this.term = 1;
        }
        if (hs.getCommit() > log.committed) {
            log.commitTo(Math.min(hs.getCommit(), log.lastIndex()));
        }
        this.prevHard = hs;
        this.prevSoft = new SoftState(NONE, Role.FOLLOWER);
        applyMembership();
        becomeFollower(this.term, NONE);
    }

    /**
     * The one place membership is recovered at restart. The storage keeps only the configuration of
     * its last snapshot ({@link LogStorage#initialState()}, as in etcd); every conf-change entry after
     * the snapshot is replayed here, committed or not, because a configuration takes effect when it is
     * appended. Entries at or below the snapshot index that compaction has not dropped yet are already
     * part of the snapshot's configuration, so they are skipped rather than applied twice.
     */
    private void replayConfChanges(long snapshotIndex) {
        long lo = Math.max(storage.firstIndex(), snapshotIndex + 1);
        long hi = storage.lastIndex() + 1;
        while (lo < hi) {
            List<Entry> batch = storage.entries(lo, hi, 64L << 20);
            for (Entry e : batch) {
                if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                    membership.appended(List.of(e));
                }
            }
            lo += batch.size();
        }
    }

    private static boolean isEmpty(ConfState cs) {
        return cs.getVotersCount() == 0 && cs.getLearnersCount() == 0;
    }

    // ---- public API -----------------------------------------------------------------------------

    @Override
    public void tick() {
        if (role == Role.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
    }

    @Override
    public void step(Message m) {
        if (m.getTerm() == 0) {
            stepLocal(m);
            return;
        }
        if (m.getTerm() > term) {
            MessageType t = m.getType();
            if (t == MessageType.MSG_VOTE || t == MessageType.MSG_PRE_VOTE) {
                boolean force = TRANSFER.equals(m.getContext());
                boolean inLease = cfg.checkQuorum() && !lead.isEmpty() && electionElapsed < cfg.electionTicksMin();
                if (!force && inLease) {
                    // We heard from a leader within the minimum election timeout: the candidate is
                    // probably partitioned and must not disrupt the healthy cluster.
                    return;
                }
            }
            if (t == MessageType.MSG_PRE_VOTE || (t == MessageType.MSG_PRE_VOTE_RESP && !m.getReject())) {
                // A pre-vote never changes the term; a granted pre-vote carries the future term.
            } else if (t == MessageType.MSG_APP || t == MessageType.MSG_HEARTBEAT || t == MessageType.MSG_SNAP) {
                becomeFollower(m.getTerm(), m.getFrom());
            } else {
                becomeFollower(m.getTerm(), NONE);
            }
        } else if (m.getTerm() < term) {
            if ((cfg.checkQuorum() || cfg.preVote())
                    && (m.getType() == MessageType.MSG_HEARTBEAT || m.getType() == MessageType.MSG_APP)) {
                // Tell a stale leader our term so it steps down (otherwise, with pre-vote, a node
                // whose pre-votes fail could never make it step down).
                send(Message.newBuilder().setType(MessageType.MSG_APP_RESP).setTo(m.getFrom()));
            } else if (m.getType() == MessageType.MSG_PRE_VOTE) {
                send(Message.newBuilder().setType(MessageType.MSG_PRE_VOTE_RESP).setTo(m.getFrom()).setReject(true));
            }
            return;
        }

        switch (m.getType()) {
            case MSG_VOTE, MSG_PRE_VOTE -> handleVoteRequest(m);
            default -> {
                switch (role) {
                    case LEADER -> stepLeader(m);
                    case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
                    case FOLLOWER -> stepFollower(m);
                }
            }
        }
    }

    @Override
    public long propose(byte[] command) {
        checkCanPropose();
        Entry e = Entry.newBuilder().setTerm(term).setIndex(log.lastIndex() + 1)
                .setData(ByteString.copyFrom(command)).build();
        log.appendOne(e);
        broadcastPending = true;
        return e.getIndex();
    }

    @Override
    public long proposeConfChange(ConfChange change) {
        checkCanPropose();
        if (!committedEntryInCurrentTerm()) {
            throw new ProposalDroppedException("leader has not yet committed an entry of its term");
        }
        if (membership.lastChangeIndex() > log.committed) {
            throw new ProposalDroppedException("membership change at " + membership.lastChangeIndex() + " is not committed yet");
        }
        String invalid = ConfChanges.validate(membership.current(), change);
        if (invalid != null) {
            throw new ProposalDroppedException(invalid);
        }
        Entry e = Entry.newBuilder().setTerm(term).setIndex(log.lastIndex() + 1)
                .setType(EntryType.ENTRY_CONF_CHANGE).setData(change.toByteString()).build();
        log.appendOne(e);
        if (membership.appended(List.of(e))) {
            applyMembership();
        }
        broadcastPending = true;
        return e.getIndex();
    }

    private void checkCanPropose() {
        if (role != Role.LEADER) {
            throw new ProposalDroppedException("not the leader (leader: " + (lead.isEmpty() ? "unknown" : lead) + ")");
        }
        if (!leadTransferee.isEmpty()) {
            throw new ProposalDroppedException("leadership is being transferred to " + leadTransferee);
        }
    }

    @Override
    public void readIndex(byte[] context) {
        ByteString ctx = ByteString.copyFrom(context);
        if (role == Role.LEADER) {
            handleReadIndex(new ReadIndexTracker.Request(id, ctx));
        } else if (!lead.isEmpty()) {
            send(Message.newBuilder().setType(MessageType.MSG_READ_INDEX).setTo(lead).setContext(ctx));
        } else {
            throw new ProposalDroppedException("no leader");
        }
    }

    @Override
    public void transferLeadership(String target) {
        String t = target == null ? NONE : target;
        if (role == Role.LEADER) {
            handleTransferLeader(t);
        } else if (!lead.isEmpty()) {
            send(Message.newBuilder().setType(MessageType.MSG_TRANSFER_LEADER).setTo(lead)
                    .setContext(ByteString.copyFromUtf8(t)));
        } else {
            throw new ProposalDroppedException("no leader");
        }
    }

    @Override
    public void reportUnreachable(String peer) {
        if (role != Role.LEADER) {
            return;
        }
        Progress pr = trk.get(peer);
        if (pr != null && pr.state() == ProgressState.REPLICATE) {
            pr.becomeProbe();
        }
    }

    @Override
    public void reportSnapshot(String peer, boolean success) {
        if (role != Role.LEADER) {
            return;
        }
        Progress pr = trk.get(peer);
        if (pr == null || pr.state() != ProgressState.SNAPSHOT) {
            return;
        }
        if (!success) {
            pr.snapshotFailed();
        }
        pr.becomeProbe();
        // Wait for a heartbeat response before probing again.
        pr.setProbeSent(true);
    }

    @Override
    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        flush();
        return !lead.equals(prevSoft.leader()) || role != prevSoft.role()
                || !hardState().equals(prevHard)
                || log.hasUnstableEntries()
                || log.pendingSnapshot() != null
                || !msgs.isEmpty()
                || !readStates.isEmpty()
                || log.hasNextCommitted();
    }

    @Override
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("advance() the previous Ready first");
        }
        flush();
        SoftState soft = softState();
        HardState hard = hardState();
        List<Entry> entries = log.unstableEntries();
        boolean mustSync = !entries.isEmpty() || hard.getTerm() != prevHard.getTerm()
                || !hard.getVote().equals(prevHard.getVote());
        Ready rd = new Ready(
                soft.equals(prevSoft) ? null : soft,
                hard.equals(prevHard) ? null : hard,
                entries,
                log.pendingSnapshot(),
                log.nextCommitted(maxApplyBytes),
                msgs,
                readStates,
                mustSync);
        prevSoft = soft;
        prevHard = hard;
        msgs = new ArrayList<>();
        readStates = new ArrayList<>();
        outstanding = rd;
        return rd;
    }

    @Override
    public void advance(Ready rd) {
        if (rd != outstanding) {
            throw new IllegalStateException("advance() must get the Ready last returned by ready()");
        }
        outstanding = null;
        if (rd.snapshot() != null) {
            log.stableSnapTo(rd.snapshot().getIndex());
            log.appliedTo(rd.snapshot().getIndex());
        }
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            log.stableTo(last.getIndex(), last.getTerm());
            if (role == Role.LEADER && maybeCommit()) {
                afterCommit();
            }
        }
        if (!rd.committedEntries().isEmpty()) {
            log.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex());
        }
    }

    @Override
    public boolean mayBeSentBeforePersist(Message m) {
        return m.getFrom().equals(id)
                && (m.getType() == MessageType.MSG_APP || m.getType() == MessageType.MSG_HEARTBEAT);
    }

    /** This node's role, without the cost of {@link #status()}. */
    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    /** The leader this node knows of, or the empty string. */
    public String leader() {
        return lead;
    }

    @Override
    public ConfState confStateAt(long index) {
        return membership.asOf(index);
    }

    @Override
    public RaftStatus status() {
        Map<String, RaftStatus.Progress> prs = new LinkedHashMap<>();
        if (role == Role.LEADER) {
            if (trk.voters().contains(id) || trk.isLearner(id)) {
                long stable = log.stableLastIndex();
                prs.put(id, new RaftStatus.Progress(stable, log.lastIndex() + 1, ProgressState.REPLICATE, true, trk.isLearner(id)));
            }
            trk.progress().forEach((k, v) -> prs.put(k, v.status()));
        }
        return new RaftStatus(id, role, term, lead, log.committed, log.applied, log.firstIndex(), log.lastIndex(),
                log.firstIndex() - 1, membership.current(), leadTransferee, Collections.unmodifiableMap(prs));
    }

    // ---- Ready helpers --------------------------------------------------------------------------

    private SoftState softState() {
        return new SoftState(lead, role);
    }

    private HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(log.committed).build();
    }

    /** Work deferred so that many proposals and reads share one append and one heartbeat round. */
    private void flush() {
        if (role != Role.LEADER) {
            return;
        }
        if (broadcastPending) {
            broadcastPending = false;
            bcastAppend();
        }
        ReadIndexTracker.Round round = reads.startRound(log.committed);
        if (round != null) {
            List<ReadIndexTracker.Round> confirmed = reads.confirmed(round, trk.voters());
            if (confirmed.isEmpty()) {
                bcastHeartbeat(round.context());
            } else {
                answer(confirmed);
            }
        }
    }

    // ---- ticks ----------------------------------------------------------------------------------

    private void tickElection() {
        electionElapsed++;
        // A sole voter is a quorum by itself: there is no vote to split, so the randomized wait
        // would only delay a single-member cluster's start by up to an election timeout.
        boolean alone = trk.voters().voters().size() == 1;
        if (promotable() && (electionElapsed >= randomizedElectionTimeout || alone)) {
            electionElapsed = 0;
            hup(false);
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= cfg.electionTicksMin()) {
            electionElapsed = 0;
            if (cfg.checkQuorum()) {
                boolean active = trk.quorumActive();
                trk.resetRecentActive();
                if (!active) {
                    becomeFollower(term, NONE);
                    return;
                }
            }
            if (!leadTransferee.isEmpty()) {
                leadTransferee = NONE;
            }
        }
        if (heartbeatElapsed >= cfg.heartbeatTicks()) {
            heartbeatElapsed = 0;
            bcastHeartbeat(reads.lastContext());
        }
    }

    private boolean promotable() {
        return trk.voters().contains(id) && log.pendingSnapshot() == null;
    }

    // ---- elections ------------------------------------------------------------------------------

    private void hup(boolean transfer) {
        if (role == Role.LEADER || !promotable()) {
            return;
        }
        campaign(cfg.preVote() && !transfer, transfer);
    }

    private void campaign(boolean pre, boolean transfer) {
        long voteTerm;
        MessageType type;
        if (pre) {
            becomePreCandidate();
            voteTerm = term + 1;
            type = MessageType.MSG_PRE_VOTE;
        } else {
            becomeCandidate();
            voteTerm = term;
            type = MessageType.MSG_VOTE;
        }
        trk.recordVote(id, true);
        if (trk.tallyVotes() == VoteResult.WON) {
            if (pre) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        for (String v : trk.voters().voters()) {
            if (v.equals(id)) {
                continue;
            }
            Message.Builder m = Message.newBuilder().setType(type).setTo(v).setTerm(voteTerm)
                    .setIndex(log.lastIndex()).setLogTerm(log.lastTerm());
            if (transfer) {
                m.setContext(TRANSFER);
            }
            send(m);
        }
    }

    private void handleVoteRequest(Message m) {
        boolean pre = m.getType() == MessageType.MSG_PRE_VOTE;
        MessageType respType = pre ? MessageType.MSG_PRE_VOTE_RESP : MessageType.MSG_VOTE_RESP;
        boolean canVote = vote.equals(m.getFrom())
                || (vote.isEmpty() && lead.isEmpty())
                || (pre && m.getTerm() > term);
        if (canVote && log.isUpToDate(m.getIndex(), m.getLogTerm())) {
            send(Message.newBuilder().setType(respType).setTo(m.getFrom()).setTerm(m.getTerm()));
            if (!pre) {
                electionElapsed = 0;
                vote = m.getFrom();
            }
        } else {
            send(Message.newBuilder().setType(respType).setTo(m.getFrom()).setReject(true));
        }
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = cfg.electionTicksMin()
                + random.nextInt(cfg.electionTicksMax() - cfg.electionTicksMin());
        leadTransferee = NONE;
        trk.resetVotes();
        trk.clearProgress();
        reads.clear();
        broadcastPending = false;
    }

    private void becomeFollower(long newTerm, String leader) {
        reset(newTerm);
        lead = leader;
        role = Role.FOLLOWER;
    }

    private void becomePreCandidate() {
        trk.resetVotes();
        lead = NONE;
        role = Role.PRE_CANDIDATE;
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    private void becomeLeader() {
        reset(term);
        lead = id;
        role = Role.LEADER;
        trk.syncProgress(log.lastIndex() + 1);
        Entry noop = Entry.newBuilder().setTerm(term).setIndex(log.lastIndex() + 1).build();
        log.appendOne(noop);
        broadcastPending = true;
    }

    // ---- membership -----------------------------------------------------------------------------

    private void applyMembership() {
        ConfState cs = membership.current();
        trk.setConfig(cs.getVotersList(), cs.getLearnersList());
        if (role != Role.LEADER) {
            return;
        }
        trk.syncProgress(log.lastIndex() + 1);
        if (!leadTransferee.isEmpty() && !trk.voters().contains(leadTransferee)) {
            leadTransferee = NONE;
        }
        if (maybeCommit()) {
            afterCommit();
        }
        stepDownIfRemoved();
    }

    /** A leader removed from the configuration leads until the removal commits, then steps down. */
    private void stepDownIfRemoved() {
        if (role == Role.LEADER && !trk.voters().contains(id) && log.committed >= membership.lastChangeIndex()) {
            bcastAppend();
            becomeFollower(term, NONE);
        }
    }

    // ---- leader ---------------------------------------------------------------------------------

    private void stepLocal(Message m) {
        switch (m.getType()) {
            case MSG_UNREACHABLE -> reportUnreachable(m.getFrom());
            case MSG_SNAP_STATUS -> reportSnapshot(m.getFrom(), !m.getReject());
            default -> { }
        }
    }

    private void stepLeader(Message m) {
        switch (m.getType()) {
            case MSG_APP_RESP -> handleAppendResponse(m);
            case MSG_HEARTBEAT_RESP -> handleHeartbeatResponse(m);
            case MSG_SNAP_STATUS -> reportSnapshot(m.getFrom(), !m.getReject());
            case MSG_UNREACHABLE -> reportUnreachable(m.getFrom());
            case MSG_TRANSFER_LEADER -> handleTransferLeader(m.getContext().toStringUtf8());
            case MSG_READ_INDEX -> handleReadIndex(new ReadIndexTracker.Request(m.getFrom(), m.getContext()));
            default -> { }
        }
    }

    private void handleAppendResponse(Message m) {
        Progress pr = trk.get(m.getFrom());
        if (pr == null) {
            return;
        }
        pr.setRecentActive(true);
        if (m.getReject()) {
            long nextProbe = m.getRejectHint();
            if (m.getHintTerm() > 0) {
                nextProbe = log.findConflictByTerm(m.getRejectHint(), m.getHintTerm());
            }
            if (pr.maybeDecrTo(m.getIndex(), nextProbe)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                maybeSendAppend(m.getFrom(), false);
            }
            return;
        }
        boolean oldPaused = pr.isPaused();
        if (pr.maybeUpdate(m.getIndex()) || (pr.match() == m.getIndex() && pr.state() == ProgressState.PROBE)) {
            switch (pr.state()) {
                case PROBE -> pr.becomeReplicate();
                case SNAPSHOT -> {
                    if (pr.match() + 1 >= log.firstIndex() || pr.match() >= pr.pendingSnapshot()) {
                        pr.becomeProbe();
                        pr.becomeReplicate();
                    }
                }
                case REPLICATE -> pr.inflights().freeLE(m.getIndex());
            }
            if (maybeCommit()) {
                afterCommit();
                if (role != Role.LEADER) {
                    return;
                }
                bcastAppend();
            } else if (oldPaused) {
                maybeSendAppend(m.getFrom(), false);
            }
            while (maybeSendAppend(m.getFrom(), false)) {
                // keep the pipeline full
            }
            if (m.getFrom().equals(leadTransferee) && pr.match() == log.lastIndex()) {
                sendTimeoutNow(m.getFrom());
            }
        }
    }

    private void handleHeartbeatResponse(Message m) {
        Progress pr = trk.get(m.getFrom());
        if (pr == null) {
            return;
        }
        pr.setRecentActive(true);
        pr.setProbeSent(false);
        if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
            pr.inflights().freeFirstOne();
        }
        if (pr.match() < log.lastIndex() || pr.state() == ProgressState.PROBE) {
            maybeSendAppend(m.getFrom(), true);
        }
        if (!m.getContext().isEmpty()) {
            answer(reads.ack(m.getContext(), m.getFrom(), trk.voters()));
        }
    }

    private void handleReadIndex(ReadIndexTracker.Request req) {
        if (reads.request(req, committedEntryInCurrentTerm(), trk.voters())) {
            answer(log.committed, req);
        }
    }

    private void answer(List<ReadIndexTracker.Round> confirmed) {
        for (ReadIndexTracker.Round r : confirmed) {
            for (ReadIndexTracker.Request req : r.requests()) {
                answer(r.index(), req);
            }
        }
    }

    private void answer(long index, ReadIndexTracker.Request req) {
        if (req.from().equals(id)) {
            readStates.add(new ReadState(index, req.context().toByteArray()));
        } else {
            send(Message.newBuilder().setType(MessageType.MSG_READ_INDEX_RESP).setTo(req.from())
                    .setIndex(index).setContext(req.context()));
        }
    }

    private boolean committedEntryInCurrentTerm() {
        return log.termOrZero(log.committed) == term;
    }

    /** Raft §5.4.2: only entries of the current term are committed by counting replicas. */
    private boolean maybeCommit() {
        return log.maybeCommit(trk.committed(log.stableLastIndex()), term);
    }

    private void afterCommit() {
        if (committedEntryInCurrentTerm()) {
            reads.releaseWaitingForCommit();
        }
        stepDownIfRemoved();
    }

    private void bcastAppend() {
        for (String to : trk.progress().keySet()) {
            maybeSendAppend(to, true);
        }
    }

    private void bcastHeartbeat(ByteString ctx) {
        for (Map.Entry<String, Progress> e : trk.progress().entrySet()) {
            Message.Builder m = Message.newBuilder().setType(MessageType.MSG_HEARTBEAT).setTo(e.getKey())
                    .setCommit(Math.min(e.getValue().match(), log.committed));
            if (ctx != null) {
                m.setContext(ctx);
            }
            send(m);
        }
    }

    private boolean maybeSendAppend(String to, boolean sendIfEmpty) {
        Progress pr = trk.get(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm;
        List<Entry> ents;
        try {
            prevTerm = log.term(prevIndex);
            ents = log.entries(pr.next(), cfg.maxMsgBytes(), cfg.maxMsgEntries());
        } catch (LogCompactedException e) {
            sendSnapshot(to, pr);
            return false;
        }
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(Message.newBuilder().setType(MessageType.MSG_APP).setTo(to).setIndex(prevIndex).setLogTerm(prevTerm)
                .addAllEntries(ents).setCommit(log.committed));
        pr.sentEntries(ents.isEmpty() ? prevIndex : ents.get(ents.size() - 1).getIndex(), ents.size());
        return true;
    }

    private void sendSnapshot(String to, Progress pr) {
        if (!pr.recentActive()) {
            return;
        }
        SnapshotMetadata snap = storage.snapshotMetadata();
        if (snap.getIndex() == 0) {
            return;
        }
        pr.becomeSnapshot(snap.getIndex());
        send(Message.newBuilder().setType(MessageType.MSG_SNAP).setTo(to).setSnapshot(snap));
    }

    private void sendTimeoutNow(String to) {
        send(Message.newBuilder().setType(MessageType.MSG_TIMEOUT_NOW).setTo(to));
    }

    private void handleTransferLeader(String target) {
        if (target.isEmpty()) {
            target = trk.mostUpToDateVoter();
            if (target == null) {
                return;
            }
        }
        if (!trk.voters().contains(target) || target.equals(id)) {
            return;
        }
        if (target.equals(leadTransferee)) {
            return;
        }
        electionElapsed = 0;
        leadTransferee = target;
        Progress pr = trk.get(target);
        if (pr.match() == log.lastIndex()) {
            sendTimeoutNow(target);
        } else {
            maybeSendAppend(target, true);
        }
    }

    // ---- candidate and follower -----------------------------------------------------------------

    private void stepCandidate(Message m) {
        switch (m.getType()) {
            case MSG_APP -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleAppend(m);
            }
            case MSG_HEARTBEAT -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleHeartbeat(m);
            }
            case MSG_SNAP -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleSnapshot(m);
            }
            case MSG_VOTE_RESP, MSG_PRE_VOTE_RESP -> {
                boolean pre = role == Role.PRE_CANDIDATE;
                if (pre != (m.getType() == MessageType.MSG_PRE_VOTE_RESP)) {
                    return;
                }
                trk.recordVote(m.getFrom(), !m.getReject());
                switch (trk.tallyVotes()) {
                    case WON -> {
                        if (pre) {
                            campaign(false, false);
                        } else {
                            becomeLeader();
                        }
                    }
                    case LOST -> becomeFollower(term, NONE);
                    case PENDING -> { }
                }
            }
            default -> { }
        }
    }

    private void stepFollower(Message m) {
        switch (m.getType()) {
            case MSG_APP -> {
                electionElapsed = 0;
                lead = m.getFrom();
                handleAppend(m);
            }
            case MSG_HEARTBEAT -> {
                electionElapsed = 0;
                lead = m.getFrom();
                handleHeartbeat(m);
            }
            case MSG_SNAP -> {
                electionElapsed = 0;
                lead = m.getFrom();
                handleSnapshot(m);
            }
            case MSG_TRANSFER_LEADER -> {
                if (!lead.isEmpty()) {
                    send(m.toBuilder().setTo(lead).setFrom(id).setTerm(term));
                }
            }
            case MSG_TIMEOUT_NOW -> hup(true);
            case MSG_READ_INDEX_RESP -> readStates.add(new ReadState(m.getIndex(), m.getContext().toByteArray()));
            default -> { }
        }
    }

    private void handleAppend(Message m) {
        if (m.getIndex() < log.committed) {
            send(Message.newBuilder().setType(MessageType.MSG_APP_RESP).setTo(m.getFrom()).setIndex(log.committed));
            return;
        }
        long lastNew = log.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
        if (lastNew >= 0) {
            if (membership.appended(log.lastAppended)) {
                applyMembership();
            }
            send(Message.newBuilder().setType(MessageType.MSG_APP_RESP).setTo(m.getFrom()).setIndex(lastNew));
            return;
        }
        long hint = log.findConflictByTerm(Math.min(m.getIndex(), log.lastIndex()), m.getLogTerm());
        send(Message.newBuilder().setType(MessageType.MSG_APP_RESP).setTo(m.getFrom()).setIndex(m.getIndex())
                .setReject(true).setRejectHint(hint).setHintTerm(log.termOrZero(hint)));
    }

    private void handleHeartbeat(Message m) {
        log.commitTo(Math.min(m.getCommit(), log.lastIndex()));
        send(Message.newBuilder().setType(MessageType.MSG_HEARTBEAT_RESP).setTo(m.getFrom()).setContext(m.getContext()));
    }

    private void handleSnapshot(Message m) {
        SnapshotMetadata snap = m.getSnapshot();
        if (restore(snap)) {
            send(Message.newBuilder().setType(MessageType.MSG_APP_RESP).setTo(m.getFrom()).setIndex(log.lastIndex()));
        } else {
            send(Message.newBuilder().setType(MessageType.MSG_APP_RESP).setTo(m.getFrom()).setIndex(log.committed));
        }
    }

    /** Installs a leader's snapshot unless it is stale; returns whether it was installed. */
    private boolean restore(SnapshotMetadata snap) {
        if (snap.getIndex() <= log.committed) {
            return false;
        }
        if (log.matchTerm(snap.getIndex(), snap.getTerm())) {
            // Our log already has the snapshot's last entry: just fast-forward the commit.
            log.commitTo(snap.getIndex());
            return false;
        }
        log.restore(snap);
        membership.reset(snap.getConfState());
        applyMembership();
        return true;
    }

    private void send(Message.Builder m) {
        m.setFrom(id);
        if (m.getTerm() == 0) {
            m.setTerm(term);
        }
        msgs.add(m.build());
    }

    @Override
    public String toString() {
        return id + "[" + role + " term=" + term + " lead=" + lead + " commit=" + log.committed + " last=" + log.lastIndex() + "]";
    }
}
