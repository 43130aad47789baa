package dev.golt.server.node;

import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean();

    // Owned by the driver thread.
    private final TreeMap<Long, Pending> proposals = new TreeMap<>();
    private final List<CompletableFuture<Long>> readBatch = new ArrayList<>();
    private final Map<Long, List<CompletableFuture<Long>>> readsInFlight = new HashMap<>();
    private final TreeMap<Long, List<CompletableFuture<Long>>> waitApplied = new TreeMap<>();
    private final List<Transfer> transfers = new ArrayList<>();
    private final List<CompletableFuture<Long>> snapshotWaiters = new ArrayList<>();
    private long readSeq;
    private long ticks;
    private boolean timeoutNowReceived;
    private boolean snapshotInProgress;
    private long lastSnapshotIndex;
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
            for (ReadState rs : readStates) {
                long ctx = ByteBuffer.wrap(rs.context()).getLong();
                List<CompletableFuture<Long>> waiting = readsInFlight.remove(ctx);
                if (waiting != null) {
                    awaitApplied(rs.index(), waiting);
                }
            }
        }
    };

    private record Pending(long term, CompletableFuture<ApplyResult> future, long startNanos) {}

    private record Transfer(String target, CompletableFuture<String> future) {}

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
        this.lastSnapshotIndex = log.snapshotMetadata().getIndex();
        HardState hs = log.initialState().hardState();
        this.term = hs.getTerm();
        this.commitIndex = hs.getCommit();
        this.status = raft.status();
        this.appliedConf = status.confState();
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
        NodeException stopped = NodeException.timeout("node is shutting down");
        proposals.values().forEach(p -> p.future.completeExceptionally(stopped));
        failReads(NodeException.unavailable("node is shutting down"));
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
        return lastSnapshotIndex;
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

    /** Proposes a serialized command; completes once applied here, with its result. */
    public CompletableFuture<ApplyResult> propose(byte[] command) {
        return submit(() -> raft.propose(command));
    }

    public CompletableFuture<ApplyResult> proposeConfChange(ConfChange change) {
        return submit(() -> raft.proposeConfChange(change));
    }

    /** Runs {@code append} on the driver thread; the future completes when that index is applied. */
    private CompletableFuture<ApplyResult> submit(LongSupplier append) {
        CompletableFuture<ApplyResult> f = new CompletableFuture<>();
        long start = System.nanoTime();
        inbox.add(() -> {
            if (role != Role.LEADER) {
                f.completeExceptionally(notLeader());
                return;
            }
            try {
                long index = append.getAsLong();
                proposals.put(index, new Pending(term, f, start));
            } catch (ProposalDroppedException e) {
                f.completeExceptionally(NodeException.unavailable(e.getMessage()));
            }
        });
        return f;
    }

    /** Completes with the read index once this node has applied it (linearizable read barrier). */
    public CompletableFuture<Long> readBarrier() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        inbox.add(() -> readBatch.add(f));
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
            String to = target == null || target.isEmpty() ? bestTransferee() : target;
            if (to == null) {
                f.completeExceptionally(NodeException.unavailable("no follower to transfer leadership to"));
                return;
            }
            if (to.equals(id)) {
                f.complete(id);
                return;
            }
            if (!status.confState().getVotersList().contains(to)) {
                f.completeExceptionally(new NodeException(NodeException.Kind.NOT_FOUND, "unknown voter " + to));
                return;
            }
            transfers.add(new Transfer(to, f));
            raft.transferLeadership(to);
        });
        return f;
    }

    /** Takes a snapshot now (unless one is being taken) and completes with its index. */
    public CompletableFuture<Long> snapshotNow() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        inbox.add(() -> startSnapshot(f));
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
                long wait = nextTick - System.nanoTime();
                Runnable task = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                int n = 0;
                while (task != null) {
                    task.run();
                    if (++n >= MAX_TASKS_PER_ROUND) {
                        break;
                    }
                    task = inbox.poll();
                }
                flushReads();
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
                while (raft.hasReady()) {
                    handle(raft.ready());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // The core or storage is in an unknown state: stop rather than risk a divergent replica.
                LOG.fatalf(e, "raft driver of %s failed; stopping the node's consensus loop", id);
                running.set(false);
                failReads(NodeException.unavailable("node failed: " + e));
                proposals.values().forEach(p -> p.future.completeExceptionally(NodeException.timeout("node failed")));
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

    private void flushReads() {
        if (readBatch.isEmpty()) {
            return;
        }
        List<CompletableFuture<Long>> batch = new ArrayList<>(readBatch);
        readBatch.clear();
        long ctx = ++readSeq;
        try {
            raft.readIndex(ByteBuffer.allocate(Long.BYTES + id.length()).putLong(ctx).array());
            readsInFlight.put(ctx, batch);
        } catch (ProposalDroppedException e) {
            NodeException ex = NodeException.unavailable("no leader: " + e.getMessage());
            batch.forEach(f -> f.completeExceptionally(ex));
        }
    }

    private void onTick() {
        if (ticks % 10 == 0) {
            status = raft.status();
            metrics.observe(this);
            if (role == Role.LEADER) {
                promoteCaughtUpLearners();
            }
        }
        if (ticks % 100 == 0) {
            proposals.values().removeIf(p -> p.future.isDone());
            waitApplied.values().forEach(l -> l.removeIf(CompletableFuture::isDone));
        }
    }

    private void handle(Ready rd) {
        if (rd.hardState() != null) {
            if (rd.softState() == null && role == Role.CANDIDATE && rd.hardState().getTerm() > term) {
                // a candidate whose election timed out campaigns again: no role change, a new term
                metrics.election("timeout");
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
        maybeAutoSnapshot();
    }

    private void onSoftState(SoftState ss) {
        Role previous = role;
        String previousLeader = leader;
        role = ss.role();
        leader = ss.leader() == null ? "" : ss.leader();
        // An election is a campaign for a new term; pre-vote rounds (no term change) count separately.
        if (ss.role() == Role.CANDIDATE && previous != Role.CANDIDATE) {
            metrics.election(timeoutNowReceived ? "transfer" : "timeout");
            timeoutNowReceived = false;
        }
        if (!leader.equals(previousLeader)) {
            if (!leader.isEmpty()) {
                metrics.leaderChange();
            }
            // Read requests in flight were addressed to the old leader and may never be answered.
            failReads(NodeException.unavailable("leader changed"));
            Iterator<Transfer> it = transfers.iterator();
            while (it.hasNext()) {
                Transfer t = it.next();
                if (t.target.equals(leader)) {
                    t.future.complete(leader);
                    it.remove();
                }
            }
        }
        status = raft.status();
    }

    private void send(Message m) {
        if (m.getType() == MessageType.MSG_SNAP) {
            long index = m.getSnapshot().getIndex();
            Path dir = snapshots.dir(index);
            metrics.snapshotSent();
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
            Pending p = proposals.remove(e.getIndex());
            if (p == null) {
                continue;
            }
            if (p.term != e.getTerm()) {
                // Another leader's entry took this index: ours was never committed.
                p.future.completeExceptionally(NodeException.unavailable("proposal lost to a leader change"));
                continue;
            }
            metrics.proposalApplied(System.nanoTime() - p.startNanos);
            ApplyResult r = results[i];
            p.future.complete(r != null ? r : new ApplyResult(e.getIndex(), true, null));
        }
        if (confChanged) {
            status = raft.status();
            appliedConf = status.confState();
            outbox.updateAddresses(addresses(appliedConf));
        }
        releaseApplied();
    }

    private void awaitApplied(long index, List<CompletableFuture<Long>> futures) {
        if (sm.appliedIndex() >= index) {
            futures.forEach(f -> f.complete(index));
        } else {
            waitApplied.computeIfAbsent(index, k -> new ArrayList<>()).addAll(futures);
        }
    }

    private void releaseApplied() {
        long applied = sm.appliedIndex();
        while (!waitApplied.isEmpty() && waitApplied.firstKey() <= applied) {
            Map.Entry<Long, List<CompletableFuture<Long>>> e = waitApplied.pollFirstEntry();
            e.getValue().forEach(f -> f.complete(e.getKey()));
        }
    }

    private void failReads(NodeException ex) {
        readsInFlight.values().forEach(l -> l.forEach(f -> f.completeExceptionally(ex)));
        readsInFlight.clear();
    }

    private NodeException notLeader() {
        return notLeaderException(leader);
    }

    // ---- snapshots ----

    private void installSnapshot(SnapshotMetadata meta) {
        Path received = snapshots.incomingDir(meta.getIndex(), meta.getTerm());
        long t0 = System.nanoTime();
        sm.install(received);
        log.applySnapshot(meta);
        lastSnapshotIndex = meta.getIndex();
        // Proposals below the snapshot were decided elsewhere; this node cannot tell how.
        NodeException unknown = NodeException.timeout("outcome unknown: replaced by a snapshot");
        while (!proposals.isEmpty() && proposals.firstKey() <= meta.getIndex()) {
            proposals.pollFirstEntry().getValue().future.completeExceptionally(unknown);
        }
        appliedConf = meta.getConfState();
        outbox.updateAddresses(addresses(appliedConf));
        releaseApplied();
        metrics.snapshotInstalled(System.nanoTime() - t0);
        LOG.infof("%s installed snapshot at index %d term %d", id, meta.getIndex(), meta.getTerm());
    }

    private void maybeAutoSnapshot() {
        if (!snapshotInProgress && sm.appliedIndex() - lastSnapshotIndex >= settings.snapshotThresholdEntries()) {
            startSnapshot(null);
        }
    }

    private void startSnapshot(CompletableFuture<Long> done) {
        if (snapshotInProgress) {
            if (done != null) {
                // the snapshot being taken is as good as a new one: answer with it
                snapshotWaiters.add(done);
            }
            return;
        }
        snapshotInProgress = true;
        ConfState conf = appliedConf;
        Thread.ofVirtual().name("golt-snapshot-" + id).start(() -> {
            long t0 = System.nanoTime();
            Path tmp = snapshots.tempDir();
            try {
                long index = sm.checkpoint(tmp);
                inbox.add(() -> finishSnapshot(tmp, index, conf, t0, done));
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: snapshot failed", id);
                inbox.add(() -> {
                    snapshotInProgress = false;
                    NodeException failed = NodeException.unavailable("snapshot failed: " + e.getMessage());
                    snapshotWaiters.forEach(w -> w.completeExceptionally(failed));
                    snapshotWaiters.clear();
                    if (done != null) {
                        done.completeExceptionally(failed);
                    }
                });
            }
        });
    }

    private void finishSnapshot(Path tmp, long index, ConfState conf, long t0, CompletableFuture<Long> first) {
        snapshotInProgress = false;
        List<CompletableFuture<Long>> waiting = new ArrayList<>(snapshotWaiters);
        snapshotWaiters.clear();
        if (first != null) {
            waiting.add(first);
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        done.whenComplete((i, e) -> waiting.forEach(w -> {
            if (e != null) {
                w.completeExceptionally(e);
            } else {
                w.complete(i);
            }
        }));
        try {
            if (index <= lastSnapshotIndex || index < log.firstIndex() - 1) {
                StateMachine.deleteTree(tmp);
                if (done != null) {
                    done.complete(lastSnapshotIndex);
                }
                return;
            }
            SnapshotMetadata meta = SnapshotMetadata.newBuilder()
                    .setIndex(index).setTerm(log.term(index)).setConfState(conf).build();
            Path dir = snapshots.publish(tmp, index);
            log.createSnapshot(meta);
            lastSnapshotIndex = index;
            long compactTo = index - settings.snapshotKeepEntries();
            if (compactTo >= log.firstIndex()) {
                log.compact(compactTo);
            }
            metrics.snapshotTaken(System.nanoTime() - t0, Snapshots.bytes(dir));
            if (done != null) {
                done.complete(index);
            }
        } catch (Exception e) {
            LOG.errorf(e, "%s: publishing snapshot %d failed", id, index);
            if (done != null) {
                done.completeExceptionally(NodeException.unavailable("snapshot failed: " + e.getMessage()));
            }
        }
    }

    // ---- membership ----

    private void promoteCaughtUpLearners() {
        RaftStatus s = status;
        if (s.confState().getLearnersCount() == 0) {
            return;
        }
        for (Map.Entry<String, RaftStatus.Progress> e : s.progress().entrySet()) {
            RaftStatus.Progress p = e.getValue();
            if (p.learner() && p.recentActive() && s.lastIndex() - p.match() <= settings.promoteMaxLag()) {
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

    private String bestTransferee() {
        String best = null;
        long bestMatch = -1;
        for (Map.Entry<String, RaftStatus.Progress> e : status.progress().entrySet()) {
            if (e.getKey().equals(id) || e.getValue().learner()) {
                continue;
            }
            if (e.getValue().match() > bestMatch) {
                bestMatch = e.getValue().match();
                best = e.getKey();
            }
        }
        return best;
    }

    private Map<String, String> addresses(ConfState conf) {
        Map<String, String> a = new HashMap<>(settings.peers());
        a.putAll(conf.getAddressesMap());
        a.remove(id);
        return a;
    }

    /** Pending work, for tests and shutdown. */
    int pendingProposals() {
        return proposals.size();
    }
}
