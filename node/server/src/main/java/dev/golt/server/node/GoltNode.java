package dev.golt.server.node;

import com.google.protobuf.ByteString;
import dev.golt.proto.Command;
import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
import dev.golt.proto.ConfState;
import dev.golt.proto.ForwardRequest;
import dev.golt.proto.ForwardResponse;
import dev.golt.proto.HardState;
import dev.golt.proto.LeaseQuery;
import dev.golt.proto.Message;
import dev.golt.proto.TransferRequest;
import dev.golt.raft.RaftLogStore;
import dev.golt.raft.RaftNode;
import dev.golt.raft.RaftStatus;
import dev.golt.raft.Role;
import dev.golt.storage.KeyValueStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * One Golt node: storage, consensus driver, peer network and the operations the HTTP API
 * offers. Framework-free, so that tests can run several in one JVM; the Quarkus application
 * wraps exactly one.
 */
public final class GoltNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GoltNode.class);

    private final NodeSettings settings;
    private final RaftLogStore log;
    private final StateMachine sm;
    private final Snapshots snapshots;
    private final PeerNetwork network;
    private final RaftDriver driver;
    private final NodeMetrics metrics;
    private final Lessor lessor;
    private final AutoCompactor compactor;
    /** The leader's clocks: lease expiry and auto-compaction (both do nothing on a follower). */
    private final java.util.concurrent.ScheduledExecutorService leaderTasks =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "golt-leader-tasks");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean closed;
    private volatile boolean stopping;
    /** Pause between tries of a lease query that met a leader change (etcd's LeaseRenew: 50 ms). */
    private static final long LEASE_RETRY_MS = 50;
    private final AtomicInteger writesInFlight = new AtomicInteger();

    /** A member as the API shows it. matchIndex is known on the leader only. */
    public record Member(String id, String address, String role, Long matchIndex) {}

    public GoltNode(NodeSettings settings, Components components, MeterRegistry registry) {
        this.settings = settings;
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data dir " + settings.dataDir(), e);
        }
        this.snapshots = new Snapshots(settings.dataDir());
        this.log = components.openLog(settings.dataDir().resolve("wal"), settings.fsync());
        this.sm = new StateMachine(settings.dataDir().resolve("state"), components::openStore);
        if (settings.restoreFrom() != null) {
            try {
                BackupRestore.restoreIfAsked(settings, isFresh(), log, sm, isFresh() ? bootstrapMembership() : null);
            } catch (RuntimeException e) {
                sm.close();
                log.close();
                throw e;
            }
        }
        RaftNode core = components.newCore(settings.raft(), log, isFresh() ? bootstrapMembership() : null);
        this.network = components.newPeerNetwork(settings, snapshots, new PeerNetwork.Inbound() {
            @Override
            public void step(Message message) {
                driver.step(message);
            }

            @Override
            public void unreachable(String peer) {
                driver.reportUnreachable(peer);
            }

            @Override
            public void snapshotDone(String peer, boolean delivered) {
                driver.reportSnapshot(peer, delivered);
            }

            @Override
            public CompletableFuture<ForwardResponse> serveForward(ForwardRequest request, BooleanSupplier disconnected) {
                return GoltNode.this.serveForward(request, disconnected);
            }
        });
        this.metrics = new NodeMetrics(registry);
        this.driver = new RaftDriver(settings, core, log, sm, snapshots, network, metrics);
        this.lessor = new Lessor(sm::mvcc, new Lessor.Leadership() {
            @Override
            public long leaderTerm() {
                return driver.role() == Role.LEADER ? driver.term() : -1;
            }

            @Override
            public void propose(byte[] command) {
                driver.propose(command, RequestDeadline.after(settings.requestDeadlineMs()));
            }
        }, System::nanoTime, settings.tickMs() * settings.raft().electionTicksMax());
        sm.addListener(lessor);
        sm.addListener(new MvccMetrics(registry, sm::mvcc));
        this.compactor = new AutoCompactor(new AutoCompactor.Store() {
            @Override
            public long revision() {
                return sm.mvcc().revision();
            }

            @Override
            public long compactedRevision() {
                return sm.mvcc().compactedRevision();
            }

            @Override
            public long leaderTerm() {
                return driver.role() == Role.LEADER ? driver.term() : -1;
            }

            @Override
            public void propose(byte[] command) {
                driver.propose(command, RequestDeadline.after(settings.requestDeadlineMs()));
            }
        }, System::nanoTime, settings.retentionSeconds());
    }

    public GoltNode start() {
        try {
            network.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.bindAddress(), e);
        }
        driver.start();
        every(100, "lease expiry check", lessor::tick);
        every(1000, "auto-compaction check", compactor::tick);
        LOG.infof("node %s: raft on %s, data in %s, applied index %d", settings.id(), settings.bindAddress(),
                settings.dataDir(), sm.appliedIndex());
        return this;
    }

    private void every(long millis, String what, Runnable task) {
        leaderTasks.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn(what + " failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    private boolean isFresh() {
        HardState hs = log.initialState().hardState();
        return log.lastIndex() == 0 && log.snapshotMetadata().getIndex() == 0 && hs.getTerm() == 0;
    }

    /**
     * The configuration a fresh node starts with, or null to start empty and wait for the leader to
     * add it. With {@code --initial-cluster-state existing} always null: on Kubernetes a member whose
     * volume was lost (or deleted on scale-down and regrown) still sees itself in the initial members,
     * and two such members would otherwise elect each other and found a second cluster.
     */
    private ConfState bootstrapMembership() {
        if (settings.initialClusterState() == NodeSettings.InitialClusterState.EXISTING) {
            LOG.infof("node %s: empty data directory and initial cluster state 'existing': waiting to be added",
                    settings.id());
            return null;
        }
        List<String> members = settings.initialMembers();
        if (members == null || members.isEmpty()) {
            members = new ArrayList<>();
            members.add(settings.id());
            members.addAll(settings.peers().keySet());
        }
        if (!members.contains(settings.id())) {
            return null;
        }
        ConfState.Builder b = ConfState.newBuilder().addAllVoters(members);
        b.putAddresses(settings.id(), settings.advertise());
        for (String m : members) {
            String a = settings.peers().get(m);
            if (a != null) {
                b.putAddresses(m, a);
            }
        }
        return b.build();
    }

    /** Fault injection: cuts this node off from its peers in both directions (or heals it). */
    public void setIsolated(boolean isolated) {
        network.setIsolated(isolated);
    }

    public NodeSettings settings() {
        return settings;
    }

    public RaftDriver driver() {
        return driver;
    }

    public StateMachine stateMachine() {
        return sm;
    }

    public RaftLogStore log() {
        return log;
    }

    // ---- client operations ----

    /** A write with the configured deadline and no client connection to watch (in-process callers). */
    public CompletableFuture<ApplyResult> write(Command command) {
        return write(command, RequestDeadline.after(settings.requestDeadlineMs()));
    }

    /** Proposes {@code command} (here or through the leader) unless {@code deadline} lapses first. */
    public CompletableFuture<ApplyResult> write(Command command, RequestDeadline deadline) {
        writesInFlight.incrementAndGet();
        if (stopping) {
            // HTTP still admits requests while the node stops: refuse them rather than lose them.
            writesInFlight.decrementAndGet();
            return CompletableFuture.failedFuture(NodeException.unavailable("node is shutting down"));
        }
        byte[] bytes = command.toByteArray();
        CompletableFuture<ApplyResult> result = driver.role() == Role.LEADER
                ? withTimeout(driver.propose(bytes, deadline))
                : forward(ForwardRequest.newBuilder().setCommand(ByteString.copyFrom(bytes)), deadline);
        return result.whenComplete((r, e) -> writesInFlight.decrementAndGet());
    }

    /** Completes once a linearizable read may be served from local state. */
    public CompletableFuture<Long> readBarrier() {
        return driver.readBarrier().orTimeout(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        unwrap(e) instanceof TimeoutException ? NodeException.unavailable("no quorum to confirm the read") : unwrap(e)));
    }

    public byte[] get(byte[] key) {
        return sm.get(key);
    }

    public List<KeyValueStore.KeyValue> scan(byte[] prefix, byte[] after, int limit) {
        return sm.scan(prefix, after, limit);
    }

    public List<Member> members() {
        RaftStatus s = driver.status();
        ConfState conf = s.confState();
        Map<String, String> addresses = new LinkedHashMap<>(conf.getAddressesMap());
        addresses.putIfAbsent(settings.id(), settings.advertise());
        List<Member> out = new ArrayList<>();
        for (String v : conf.getVotersList()) {
            out.add(member(s, v, "voter", addresses));
        }
        for (String l : conf.getLearnersList()) {
            out.add(member(s, l, "learner", addresses));
        }
        return out;
    }

    private static Member member(RaftStatus s, String id, String role, Map<String, String> addresses) {
        RaftStatus.Progress p = s.progress().get(id);
        Long match = s.role() == Role.LEADER ? (p != null ? p.match() : Long.valueOf(s.lastIndex())) : null;
        return new Member(id, addresses.get(id), role, match);
    }

    public CompletableFuture<ApplyResult> addMember(String id, String address) {
        for (Member m : members()) {
            if (m.id().equals(id) && address.equals(m.address())) {
                return CompletableFuture.completedFuture(new ApplyResult(driver.appliedIndex(), true, null));
            }
        }
        return confChange(ConfChange.newBuilder().setType(ConfChangeType.CONF_ADD_LEARNER).setNodeId(id).setAddress(address).build());
    }

    public CompletableFuture<ApplyResult> removeMember(String id) {
        if (members().stream().noneMatch(m -> m.id().equals(id))) {
            return CompletableFuture.failedFuture(new NodeException(NodeException.Kind.UNKNOWN_MEMBER, "unknown member " + id));
        }
        return confChange(ConfChange.newBuilder().setType(ConfChangeType.CONF_REMOVE_NODE).setNodeId(id).build());
    }

    private CompletableFuture<ApplyResult> confChange(ConfChange change) {
        RequestDeadline deadline = RequestDeadline.after(settings.requestDeadlineMs());
        if (driver.role() == Role.LEADER) {
            return withTimeout(driver.proposeConfChange(change, deadline));
        }
        return forward(ForwardRequest.newBuilder().setConfChange(change), deadline);
    }

    /** Completes with the new leader's id. */
    public CompletableFuture<String> transferLeadership(String to) {
        if (driver.role() == Role.LEADER) {
            return withTimeout(driver.transferLeadership(to));
        }
        return forwardRaw(ForwardRequest.newBuilder().setTransfer(TransferRequest.newBuilder().setTo(to == null ? "" : to)).build())
                .thenApply(ForwardResponse::getLeader);
    }

    /** A lease's TTLs as the leader knows them: seconds left (-1: no such lease) and as granted. */
    public record LeaseTtl(long remaining, long granted) {}

    /**
     * Reads lease {@code id}'s remaining time, or with {@code renew} restarts it (a keep-alive), at
     * the leader: only the leader keeps deadlines, and it renews only after confirming it leads.
     * Both are idempotent, so a try that meets a leader change (no leader yet, a follower's stale
     * view, a barrier the old leader could not confirm) is tried again every {@value #LEASE_RETRY_MS}
     * ms until the request timeout, as etcd's {@code EtcdServer.LeaseRenew} does: a keep-alive
     * stream must not end because leadership moved.
     */
    public CompletableFuture<LeaseTtl> lease(long id, boolean renew) {
        return leaseUntil(id, renew, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMs()));
    }

    private CompletableFuture<LeaseTtl> leaseUntil(long id, boolean renew, long deadlineNanos) {
        CompletableFuture<LeaseTtl> once = driver.role() == Role.LEADER
                ? withTimeout(leaseAtLeader(id, renew))
                : forwardRaw(ForwardRequest.newBuilder().setLease(LeaseQuery.newBuilder().setId(id).setRenew(renew)).build())
                        .thenApply(r -> new LeaseTtl(r.getLeaseTtl(), r.getLeaseGrantedTtl()));
        return once.exceptionallyCompose(e -> {
            Throwable t = unwrap(e);
            boolean retriable = t instanceof NodeException n
                    && (n.kind() == NodeException.Kind.UNAVAILABLE || n.kind() == NodeException.Kind.TIMEOUT);
            if (!retriable || stopping || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEASE_RETRY_MS) - deadlineNanos > 0) {
                return CompletableFuture.failedFuture(t);
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(LEASE_RETRY_MS, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> leaseUntil(id, renew, deadlineNanos));
        });
    }

    private CompletableFuture<LeaseTtl> leaseAtLeader(long id, boolean renew) {
        long term = driver.term();
        // Renewals come by the thousand and can wait a heartbeat to share one round; queries cannot.
        var barrier = renew ? driver.coalescedReadBarrier() : driver.readBarrier();
        return barrier.thenApply(ignored -> {
            long granted = sm.mvcc().leaseTtl(id);
            if (granted < 0) {
                return new LeaseTtl(-1, -1);
            }
            if (renew) {
                long ttl = lessor.renew(id, term);
                if (ttl < 0) {
                    throw NodeException.unavailable("leadership changed while renewing the lease");
                }
                return new LeaseTtl(ttl, granted);
            }
            long left = lessor.remaining(id);
            return new LeaseTtl(left < 0 ? granted : left, granted);
        });
    }

    public CompletableFuture<Long> snapshotNow() {
        return driver.snapshotNow().orTimeout(Math.max(settings.requestTimeoutMs(), 60_000), TimeUnit.MILLISECONDS);
    }

    /**
     * Writes a {@link BackupFile} of this member's applied state to {@code out} (etcd's
     * Maintenance.Snapshot): a checkpoint taken now, streamed, then deleted. Blocks the calling
     * thread; {@code size} hears the backup's length before the first byte is written.
     *
     * @return the applied index the backup holds
     */
    public long backup(java.util.function.LongConsumer size, java.io.OutputStream out) throws IOException {
        java.nio.file.Path dir = snapshots.tempDir();
        try {
            long index = sm.checkpoint(dir);
            size.accept(BackupFile.size(dir));
            BackupFile.write(dir, out);
            return index;
        } finally {
            StateMachine.deleteTree(dir);
        }
    }

    // ---- forwarding ----

    /** Hands a proposal to the leader with what is left of its deadline, unless nothing is left. */
    private CompletableFuture<ApplyResult> forward(ForwardRequest.Builder request, RequestDeadline deadline) {
        CompletableFuture<ApplyResult> refused = new CompletableFuture<>();
        if (deadline.refused(refused, metrics)) {
            return refused;
        }
        // at least 1: 0 would read as "no deadline sent" and give the leader its full default
        request.setDeadlineMs((int) Math.clamp(deadline.remainingMillis(), 1, Integer.MAX_VALUE));
        return forwardRaw(request.build()).thenApply(r -> new ApplyResult(r.getIndex(), r.getFound(),
                r.getHasCurrent() ? r.getCurrent().toByteArray() : null, r.getRevision(), r.getEtcdResponse(),
                r.getApplyError().isEmpty() ? null : r.getApplyError()));
    }

    private CompletableFuture<ForwardResponse> forwardRaw(ForwardRequest request) {
        String leader = driver.leader();
        if (leader.isEmpty()) {
            return CompletableFuture.failedFuture(NodeException.unavailable("no leader"));
        }
        return network.forward(leader, request, settings.requestTimeoutMs() + 1_000)
                .handle((r, e) -> {
                    if (e != null) {
                        // The request may have reached the leader before the call failed.
                        throw NodeException.timeout("forwarding to leader " + leader + " failed: " + unwrap(e).getMessage());
                    }
                    return switch (r.getStatus()) {
                        case OK -> r;
                        case TIMEOUT -> throw NodeException.timeout(r.getError());
                        case REJECTED -> throw new NodeException(ForwardErrors.kind(r.getRejection()), r.getError());
                        default -> throw NodeException.unavailable(r.getError());
                    };
                });
    }

    /** The leader's side of {@link #forward}; {@code disconnected} tells when the follower's call is gone. */
    private CompletableFuture<ForwardResponse> serveForward(ForwardRequest request, BooleanSupplier disconnected) {
        if (driver.role() != Role.LEADER) {
            return CompletableFuture.completedFuture(ForwardResponse.newBuilder()
                    .setStatus(ForwardResponse.Status.NOT_LEADER).setLeader(driver.leader())
                    .setError("not the leader").build());
        }
        RequestDeadline deadline = RequestDeadline.after(
                request.getDeadlineMs() > 0 ? request.getDeadlineMs() : settings.requestDeadlineMs(), disconnected);
        CompletableFuture<ForwardResponse> result = switch (request.getOpCase()) {
            case COMMAND -> withTimeout(driver.propose(request.getCommand().toByteArray(), deadline))
                    .thenApply(GoltNode::response);
            case CONF_CHANGE -> withTimeout(driver.proposeConfChange(request.getConfChange(), deadline))
                    .thenApply(GoltNode::response);
            case TRANSFER -> withTimeout(driver.transferLeadership(request.getTransfer().getTo()))
                    .thenApply(l -> ForwardResponse.newBuilder().setLeader(l).build());
            case LEASE -> withTimeout(leaseAtLeader(request.getLease().getId(), request.getLease().getRenew()))
                    .thenApply(t -> ForwardResponse.newBuilder().setLeaseTtl(t.remaining()).setLeaseGrantedTtl(t.granted()).build());
            default -> CompletableFuture.completedFuture(ForwardResponse.newBuilder()
                    .setStatus(ForwardResponse.Status.REJECTED).setError("empty request").build());
        };
        return result.exceptionally(e -> {
            Throwable t = unwrap(e);
            return ForwardErrors.response(t);
        });
    }

    private static ForwardResponse response(ApplyResult r) {
        ForwardResponse.Builder b = ForwardResponse.newBuilder().setIndex(r.index()).setFound(r.found())
                .setRevision(r.revision()).setEtcdResponse(r.etcdResponse());
        if (r.current() != null) {
            b.setHasCurrent(true).setCurrent(ByteString.copyFrom(r.current()));
        }
        if (r.error() != null) {
            b.setApplyError(r.error());
        }
        return b.build();
    }

    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f) {
        return f.orTimeout(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            Throwable t = unwrap(e);
            return CompletableFuture.failedFuture(t instanceof TimeoutException
                    ? NodeException.timeout("timed out after " + settings.requestTimeoutMs() + " ms; the outcome is unknown")
                    : t);
        });
    }

    public static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    // ---- lifecycle ----

    /** A leader hands leadership over first, so that stopping it causes no election timeout. */
    public void shutdownGracefully(long transferTimeoutMs) {
        stopping = true;
        if (driver.role() == Role.LEADER && driver.status().confState().getVotersCount() > 1) {
            try {
                String next = driver.transferLeadership(null).get(transferTimeoutMs, TimeUnit.MILLISECONDS);
                LOG.infof("node %s handed leadership to %s before stopping", settings.id(), next);
            } catch (Exception e) {
                LOG.warnf("node %s: leadership transfer before shutdown failed: %s", settings.id(), unwrap(e).toString());
            }
        }
        // Writes in flight (e.g. forwarded to the leader) would end with an unknown outcome if the
        // transport closed under them: let them finish first.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(settings.requestTimeoutMs(), 5_000));
        while (writesInFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        leaderTasks.shutdownNow();
        driver.stop();
        network.close();
        log.close();
        sm.close();
    }
}
