package dev.golt.server.node;

import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.proto.HardState;
import dev.golt.proto.Message;
import dev.golt.proto.MessageType;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.raft.ProposalDroppedException;
import dev.golt.raft.RaftLogStore;
import dev.golt.raft.RaftNode;
import dev.golt.raft.RaftStatus;
import dev.golt.raft.ReadState;
import dev.golt.raft.Ready;
import dev.golt.raft.ReadySchedule;
import dev.golt.raft.Role;
import dev.golt.raft.SoftState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The one thread that owns the consensus core. Everything that touches the core is a task on its
 * inbox; a timer ticks it; each {@link Ready} is handled in {@link ReadySchedule}'s order (the one
 * the simulation checks): send-early → apply what is durable → persist (one sync for the whole
 * batch: group commit) → send → apply the rest → complete waiting requests → advance.
 *
 * <p>This class is the loop only: ticks, Ready handling and message routing. The requests it
 * serves are kept by {@link PendingProposals}, {@link ReadBarriers}, {@link SnapshotCoordinator},
 * {@link LeadershipTransfers} and {@link LearnerPromotion}, all owned by this thread.
 *
 * <p>Public methods are thread-safe, never block and answer with futures.
 */
public final class RaftDriver {

    private static final Logger LOG = Logger.getLogger(RaftDriver.class);
    private static final int MAX_TASKS_PER_ROUND = 8192;

    private final String id;
    private final RaftNode raft;
    private final RaftLogStore log;
    private final StateMachine sm;
    private final Snapshots snapshots;
    private final Outbox outbox;
    private final NodeMetrics metrics;
    private final NodeSettings settings;
    private final long tickNanos;
    private final int heartbeatTicks;

    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean();

    // Owned by the driver thread.
    private final PendingProposals proposals;
    private final ReadBarriers reads;
    private final SnapshotCoordinator snapshotting;
    private final LeadershipTransfers transfers;
    private final LearnerPromotion promotion;
    private final RaftEvents events;
    private long ticks;
    private boolean timeoutNowReceived;
    private ConfState appliedConf = ConfState.getDefaultInstance();

    // Published for other threads.
    private volatile Role role = Role.FOLLOWER;
    private volatile String leader = "";
    private volatile long term;
    private volatile long commitIndex;
    private volatile long leaderCommitSeen;
    private volatile RaftStatus status;

    private final ReadySchedule.Storage storageSteps = new ReadySchedule.Storage() {
        @Override
        public void installSnapshot(SnapshotMetadata snapshot) {
            RaftDriver.this.installSnapshot(snapshot);
        }

        @Override
        public void append(List<Entry> entries) {
            log.append(entries);
            metrics.appendBatch(entries.size());
        }

        @Override
        public void saveHardState(HardState hardState) {
            log.setHardState(hardState);
        }

        @Override
        public void sync() {
            long t0 = System.nanoTime();
            log.sync();
            metrics.fsync(System.nanoTime() - t0);
        }
    };

    private final ReadySchedule.Applier applySteps = new ReadySchedule.Applier() {
        @Override
        public void apply(List<Entry> committed) {
            RaftDriver.this.apply(committed);
        }

        @Override
        public void readStates(List<ReadState> readStates) {
            reads.confirmed(readStates);
        }
    };

    public RaftDriver(NodeSettings settings, RaftNode raft, RaftLogStore log, StateMachine sm,
            Snapshots snapshots, Outbox outbox, NodeMetrics metrics) {
        this.settings = settings;
        this.id = settings.id();
        this.raft = raft;
        this.log = log;
        this.sm = sm;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.metrics = metrics;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(settings.tickMs());
        this.heartbeatTicks = settings.raft().heartbeatTicks();
        this.proposals = new PendingProposals(metrics);
        this.reads = new ReadBarriers(id, raft, sm::appliedIndex);
        this.snapshotting = new SnapshotCoordinator(settings, sm, log, snapshots, metrics, inbox::add);
        this.events = new RaftEvents(id);
        this.transfers = new LeadershipTransfers(id, raft, events, 2L * settings.raft().electionTicksMax());
        this.promotion = new LearnerPromotion(id, raft, settings.promoteMaxLag());
        HardState hs = log.initialState().hardState();
        this.term = hs.getTerm();
        this.commitIndex = hs.getCommit();
        this.status = raft.status();
        this.appliedConf = raft.confStateAt(sm.appliedIndex());
        outbox.updateAddresses(addresses(appliedConf));
        this.thread = new Thread(this::run, "golt-raft-" + id);
        this.thread.setDaemon(true);
    }

    public void start() {
        running.set(true);
        thread.start();
    }

    /** Stops the loop; waiting requests fail as unavailable or unknown. */
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        inbox.add(() -> { });
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        proposals.failAll(NodeException.timeout("node is shutting down"));
        reads.failUnconfirmed(NodeException.unavailable("node is shutting down"));
    }

    // ---- API for other threads ----

    public String id() {
        return id;
    }

    public boolean isRunning() {
        return running.get() && thread.isAlive();
    }

    public Role role() {
        return role;
    }

    /** The known leader's id, empty when unknown. */
    public String leader() {
        return leader;
    }

    public long term() {
        return term;
    }

    public long commitIndex() {
        return commitIndex;
    }

    public long appliedIndex() {
        return sm.appliedIndex();
    }

    /** The highest commit index a leader announced to this node (this node's own when it leads). */
    public long leaderCommit() {
        return role == Role.LEADER ? commitIndex : Math.max(leaderCommitSeen, commitIndex);
    }

    public RaftStatus status() {
        return status;
    }

    public long snapshotIndex() {
        return snapshotting.lastIndex();
    }

    public void step(Message m) {
        inbox.add(() -> onMessage(m));
    }

    public void reportUnreachable(String peer) {
        inbox.add(() -> raft.reportUnreachable(peer));
    }

    public void reportSnapshot(String peer, boolean success) {
        inbox.add(() -> raft.reportSnapshot(peer, success));
    }

    /**
     * Proposes a serialized command unless {@code deadline} lapsed first; completes once applied
     * here, with its result.
     */
    public CompletableFuture<ApplyResult> propose(byte[] command, RequestDeadline deadline) {
        return submit(() -> raft.propose(command), deadline);
    }

    public CompletableFuture<ApplyResult> proposeConfChange(ConfChange change, RequestDeadline deadline) {
        return submit(() -> raft.proposeConfChange(change), deadline);
    }

    /** Runs {@code append} on the driver thread; the future completes when that index is applied. */
    private CompletableFuture<ApplyResult> submit(LongSupplier append, RequestDeadline deadline) {
        CompletableFuture<ApplyResult> f = new CompletableFuture<>();
        long start = System.nanoTime();
        inbox.add(() -> {
            if (role != Role.LEADER) {
                f.completeExceptionally(notLeader());
                return;
            }
            // The last moment before the entry enters the log: a request that waited in the inbox
            // past its deadline, or whose client left, is refused here and so is never applied.
            if (deadline.refused(f, metrics)) {
                return;
            }
            try {
                long index = append.getAsLong();
                proposals.add(index, term, f, start);
            } catch (ProposalDroppedException e) {
                f.completeExceptionally(NodeException.unavailable(e.getMessage()));
            }
        });
        return f;
    }

    /** Completes with the read index once this node has applied it (linearizable read barrier). */
    public CompletableFuture<Long> readBarrier() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        inbox.add(() -> reads.add(f));
        return f;
    }

    /** A read barrier that may wait up to a heartbeat interval to share its round (see {@link ReadBarriers#addCoalesced}). */
    public CompletableFuture<Long> coalescedReadBarrier() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        inbox.add(() -> reads.addCoalesced(f));
        return f;
    }

    /** Hands leadership to {@code target} (null or empty: the most up-to-date voter) and completes with the new leader. */
    public CompletableFuture<String> transferLeadership(String target) {
        CompletableFuture<String> f = new CompletableFuture<>();
        inbox.add(() -> {
            if (role != Role.LEADER) {
                f.completeExceptionally(notLeader());
                return;
            }
            transfers.start(target, f);
        });
        return f;
    }

    /** Takes a snapshot now (unless one is being taken) and completes with its index. */
    public CompletableFuture<Long> snapshotNow() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        inbox.add(() -> snapshotting.take(appliedConf, f));
        return f;
    }

    /** Runs {@code task} on the driver thread. */
    public void execute(Runnable task) {
        inbox.add(task);
    }

    public static NodeException notLeaderException(String leader) {
        return NodeException.unavailable(leader == null || leader.isEmpty() ? "no leader" : "not the leader; leader is " + leader);
    }

    // ---- the loop ----

    private void run() {
        long nextTick = System.nanoTime() + tickNanos;
        while (running.get()) {
            try {
                long wait = raft.hasReady() ? 0 : nextTick - System.nanoTime();
                Runnable task = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                int n = 0;
                while (task != null) {
                    task.run();
                    if (++n >= MAX_TASKS_PER_ROUND) {
                        break;
                    }
                    task = inbox.poll();
                }
                reads.flush();
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    raft.tick();
                    ticks++;
                    nextTick += tickNanos;
                    if (now - nextTick >= 0) {
                        nextTick = now + tickNanos;
                    }
                    onTick();
                }
                // One Ready per round: a replay of many committed entries comes in several, and
                // ticks and messages get their turn between them.
                if (raft.hasReady()) {
                    handle(raft.ready());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // The core or storage is in an unknown state: stop rather than risk a divergent replica.
                LOG.fatalf(e, "raft driver of %s failed; stopping the node's consensus loop", id);
                running.set(false);
                reads.failUnconfirmed(NodeException.unavailable("node failed: " + e));
                proposals.failAll(NodeException.timeout("node failed"));
                return;
            }
        }
    }

    private void onMessage(Message m) {
        if (m.getType() == MessageType.MSG_TIMEOUT_NOW) {
            timeoutNowReceived = true;
        }
        // Appends carry the leader's own commit index (heartbeats carry a capped one): readiness uses it.
        if (m.getType() == MessageType.MSG_APP && m.getFrom().equals(leader) && m.getCommit() > leaderCommitSeen) {
            leaderCommitSeen = m.getCommit();
        }
        raft.step(m);
    }

    private void onTick() {
        transfers.tick();
        if (ticks % heartbeatTicks == 0) {
            reads.flushCoalesced();
        }
        if (ticks % 10 == 0) {
            status = raft.status();
            metrics.observe(this);
            if (role == Role.LEADER) {
                promotion.promoteCaughtUp(status);
            }
        }
        if (ticks % 100 == 0) {
            proposals.forgetAnswered();
            reads.forgetAnswered();
        }
    }

    private void handle(Ready rd) {
        if (rd.hardState() != null) {
            if (rd.softState() == null && role == Role.CANDIDATE && rd.hardState().getTerm() > term) {
                // a candidate whose election timed out campaigns again: no role change, a new term
                metrics.election("timeout");
                events.electionRestarted(rd.hardState().getTerm());
            }
            term = rd.hardState().getTerm();
            commitIndex = rd.hardState().getCommit();
        }
        if (rd.softState() != null) {
            onSoftState(rd.softState());
        }
        boolean preVoteRound = rd.messages().stream().anyMatch(m -> m.getType() == MessageType.MSG_PRE_VOTE);
        ReadySchedule.STANDARD.handle(rd, raft, storageSteps, this::send, applySteps);
        if (preVoteRound) {
            // Each pre-vote round sends its requests in one batch; a transfer never pre-votes, so a
            // TimeoutNow seen before this round was not acted on.
            metrics.preVoteCampaign();
            timeoutNowReceived = false;
        }
        snapshotting.maybeTakeAutomatically(appliedConf);
    }

    private void onSoftState(SoftState ss) {
        Role previous = role;
        String previousLeader = leader;
        role = ss.role();
        leader = ss.leader() == null ? "" : ss.leader();
        // An election is a campaign for a new term; pre-vote rounds (no term change) count separately.
        if (role != previous) {
            events.roleChanged(previous, role, term, leader, timeoutNowReceived);
        }
        if (ss.role() == Role.CANDIDATE && previous != Role.CANDIDATE) {
            metrics.election(timeoutNowReceived ? "transfer" : "timeout");
            timeoutNowReceived = false;
        }
        if (!leader.equals(previousLeader)) {
            if (!leader.isEmpty()) {
                metrics.leaderChange();
            }
            events.leaderChanged(previousLeader, leader, term);
            // Read requests in flight were addressed to the old leader and may never be answered.
            reads.failUnconfirmed(NodeException.unavailable("leader changed"));
            transfers.leaderChanged(leader, term);
        }
        status = raft.status();
    }

    private void send(Message m) {
        if (m.getType() == MessageType.MSG_SNAP) {
            long index = m.getSnapshot().getIndex();
            Path dir = snapshots.dir(index);
            metrics.snapshotSent();
            events.snapshotSending(m.getTo(), index, m.getSnapshot().getTerm());
            outbox.sendSnapshot(m, dir);
        } else {
            outbox.send(m);
        }
    }

    private void apply(List<Entry> committed) {
        if (committed.isEmpty()) {
            return;
        }
        ApplyResult[] results = sm.apply(committed);
        boolean confChanged = false;
        for (int i = 0; i < committed.size(); i++) {
            Entry e = committed.get(i);
            if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                confChanged = true;
            }
            proposals.applied(e, results[i]);
        }
        if (confChanged) {
            status = raft.status();
            // As of the last applied entry, for snapshots; a later change may already be appended.
            ConfState applied = raft.confStateAt(committed.getLast().getIndex());
            events.membershipApplied(committed.getLast().getIndex(), appliedConf, applied);
            appliedConf = applied;
            outbox.updateAddresses(addresses(appliedConf));
        }
        reads.releaseApplied();
    }

    private NodeException notLeader() {
        return notLeaderException(leader);
    }

    private void installSnapshot(SnapshotMetadata meta) {
        snapshotting.install(meta);
        events.snapshotInstalled(leader, meta.getIndex(), meta.getTerm());
        events.membershipApplied(meta.getIndex(), appliedConf, meta.getConfState());
        // Proposals below the snapshot were decided elsewhere; this node cannot tell how.
        proposals.failThrough(meta.getIndex(), NodeException.timeout("outcome unknown: replaced by a snapshot"));
        appliedConf = meta.getConfState();
        outbox.updateAddresses(addresses(appliedConf));
        reads.releaseApplied();
    }

    private Map<String, String> addresses(ConfState conf) {
        Map<String, String> a = new HashMap<>(settings.peers());
        a.putAll(conf.getAddressesMap());
        a.remove(id);
        return a;
    }
}
