package dev.golt.server.etcd;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.etcd.api.CompactionRequest;
import dev.golt.etcd.api.CompactionResponse;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.DeleteRangeResponse;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrantResponse;
import dev.golt.etcd.api.LeaseLeasesResponse;
import dev.golt.etcd.api.LeaseRevokeResponse;
import dev.golt.etcd.api.LeaseStatus;
import dev.golt.etcd.api.LeaseTimeToLiveRequest;
import dev.golt.etcd.api.LeaseTimeToLiveResponse;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.PutResponse;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.RequestOp;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.proto.Command;
import dev.golt.proto.Compaction;
import dev.golt.proto.LeaseGrant;
import dev.golt.proto.LeaseRevoke;
import dev.golt.server.node.ApplyResult;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.RequestDeadline;
import dev.golt.storage.mvcc.MvccStore;
import com.google.protobuf.ByteString;
import dev.golt.server.etcd.watch.WatchHub;
import dev.golt.server.node.StateMachine;
import dev.golt.storage.mvcc.Event;
import io.grpc.Status;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The etcd v3 KV and Lease operations over a node, shared by the gRPC services and the JSON
 * gateway: writes become log commands (Put and DeleteRange are one-op transactions, so every write
 * is one revision), reads are served from local state after a read barrier unless serializable,
 * and read-only transactions too. Responses carry etcd's header (cluster, member, revision, term).
 */
public final class EtcdApi implements AutoCloseable {

    /** etcd's --max-txn-ops default. */
    static final int MAX_TXN_OPS = 128;
    /** etcd's minimum lease TTL is about 1.5 election timeouts; never below this many seconds. */
    static final long MIN_TTL_SECONDS = 2;
    static final long MAX_TTL_SECONDS = 9_000_000_000L;

    private final GoltNode node;
    private final SecureRandom random = new SecureRandom();
    private final long memberId;
    private final long clusterId;

    private final WatchHub watches;
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();

    public EtcdApi(GoltNode node) {
        this.node = node;
        this.watches = watchHub(node);
        this.memberId = EtcdIds.memberId(node.settings().id());
        this.clusterId = EtcdIds.memberId("cluster:" + String.join(",", node.settings().initialMembers() == null
                ? List.of() : node.settings().initialMembers().stream().sorted().toList()));
    }

    public GoltNode node() {
        return node;
    }

    /** The node's watchers, fed by the applying thread. */
    public WatchHub watches() {
        return watches;
    }

    /**
     * Made on the thread that applies the log and registered there before it applies anything
     * else, so the hub's starting revision and its first published revision leave no gap.
     */
    private static WatchHub watchHub(GoltNode node) {
        var sm = node.stateMachine();
        CompletableFuture<WatchHub> made = new CompletableFuture<>();
        node.driver().execute(() -> {
            try {
                var hub = new WatchHub(sm::mvcc);
                sm.addListener(new StateMachine.Listener() {
                    @Override
                    public void applied(long revision, List<Event> events) {
                        hub.publish(revision, events);
                    }

                    @Override
                    public void reset() {
                        hub.reset();
                    }
                });
                made.complete(hub);
            } catch (RuntimeException e) {
                made.completeExceptionally(e);
            }
        });
        try {
            return made.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the node's apply thread did not start the watch hub", e);
        }
    }

    @Override
    public void close() {
        readers.shutdown();
        watches.close();
    }

    public MvccStore store() {
        return node.stateMachine().mvcc();
    }

    public ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId)
                .setRevision(revision).setRaftTerm(node.driver().term()).build();
    }

    public ResponseHeader header() {
        return header(store().revision());
    }

    // ------------------------------------------------------------------ KV

    public CompletableFuture<RangeResponse> range(RangeRequest r) {
        boolean oneKey = r.getRangeEnd().isEmpty();
        return readAfter(barrier(r.getSerializable()), oneKey, ignored -> {
            MvccStore s = store();
            MvccStore.Read[] read = {null};
            RangeResponse resp = RangeQuery.run(r, (range, rev, limit, keysOnly) -> {
                read[0] = s.read(range, rev, limit, keysOnly);
                return read[0].result();
            });
            return resp.toBuilder().setHeader(header(read[0] == null ? s.revision() : read[0].revision())).build();
        });
    }

    public CompletableFuture<PutResponse> put(PutRequest p) {
        checkPut(p);
        return txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(p)).build())
                .thenApply(t -> t.getResponses(0).getResponsePut().toBuilder().setHeader(t.getHeader()).build());
    }

    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest d) {
        EtcdKv.range(d.getKey(), d.getRangeEnd());
        return txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestDeleteRange(d)).build())
                .thenApply(t -> t.getResponses(0).getResponseDeleteRange().toBuilder().setHeader(t.getHeader()).build());
    }

    public CompletableFuture<TxnResponse> txn(TxnRequest t) {
        checkTxn(t, 0);
        if (readOnly(t)) {
            return readAfter(barrier(false), false, ignored -> {
                MvccStore s = store();
                return s.atomically(() -> {
                    TxnResponse r = Txns.apply(t, s.write());
                    return r.toBuilder().setHeader(header(s.revision())).build();
                });
            });
        }
        return propose(Command.newBuilder().setEtcdTxn(t.toByteString()).build()).thenApply(a -> {
            try {
                TxnResponse r = TxnResponse.parseFrom(a.etcdResponse());
                return r.toBuilder().setHeader(header(a.revision())).build();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("the applied transaction's response does not parse", e);
            }
        });
    }

    public CompletableFuture<CompactionResponse> compact(CompactionRequest c) {
        return propose(Command.newBuilder().setCompaction(Compaction.newBuilder().setRevision(c.getRevision())).build())
                .thenApply(a -> CompactionResponse.newBuilder().setHeader(header(a.revision())).build());
    }

    // ------------------------------------------------------------------ Lease

    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest g) {
        if (g.getTTL() > MAX_TTL_SECONDS) {
            throw new EtcdError(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL");
        }
        long id = g.getID() != 0 ? g.getID() : (random.nextLong() >>> 1) | 1;
        long ttl = Math.max(g.getTTL(), minTtl());
        return propose(Command.newBuilder().setLeaseGrant(LeaseGrant.newBuilder().setId(id).setTtlSeconds(ttl)).build())
                .thenApply(a -> LeaseGrantResponse.newBuilder().setHeader(header(a.revision())).setID(id).setTTL(ttl).build());
    }

    public CompletableFuture<LeaseRevokeResponse> leaseRevoke(long id) {
        return propose(Command.newBuilder().setLeaseRevoke(LeaseRevoke.newBuilder().setId(id)).build())
                .thenApply(a -> LeaseRevokeResponse.newBuilder().setHeader(header(a.revision())).build());
    }

    /** A keep-alive: the lease's TTL as granted, 0 when it does not exist (etcd's answer then). */
    public CompletableFuture<Long> leaseRenew(long id) {
        return node.lease(id, true).thenApply(t -> Math.max(t.remaining(), 0));
    }

    public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest r) {
        return node.lease(r.getID(), false).thenApply(t -> {
            LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder().setHeader(header())
                    .setID(r.getID()).setTTL(t.remaining()).setGrantedTTL(Math.max(t.granted(), 0));
            if (t.remaining() >= 0 && r.getKeys()) {
                store().leaseKeys(r.getID()).forEach(k -> b.addKeys(ByteString.copyFrom(k)));
            }
            return b.build();
        });
    }

    public CompletableFuture<LeaseLeasesResponse> leases() {
        return barrier(false).thenApply(ignored -> {
            LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder().setHeader(header());
            store().leases().forEach(l -> b.addLeases(LeaseStatus.newBuilder().setID(l[0])));
            return b.build();
        });
    }

    private long minTtl() {
        long electionMs = node.settings().tickMs() * node.settings().raft().electionTicksMax();
        return Math.max(MIN_TTL_SECONDS, (electionMs * 3 / 2 + 999) / 1000);
    }

    // ------------------------------------------------------------------ plumbing

    /**
     * Runs a read once its barrier is passed: a single key right where the barrier completed, a
     * range or a read-only transaction (which may scan many keys: kube-apiserver lists whole
     * resource types) on a thread of its own, so that it holds up neither the Raft loop, which
     * completes linearizable barriers, nor the event loop a serializable read arrived on.
     */
    private <T> CompletableFuture<T> readAfter(CompletableFuture<Long> barrier, boolean small, Function<Long, T> read) {
        return small ? barrier.thenApply(read) : barrier.thenApplyAsync(read, readers);
    }

    private CompletableFuture<Long> barrier(boolean serializable) {
        return serializable ? CompletableFuture.completedFuture(0L) : node.readBarrier();
    }

    private CompletableFuture<ApplyResult> propose(Command c) {
        return node.write(c, RequestDeadline.after(node.settings().requestDeadlineMs())).thenApply(a -> {
            if (a.error() != null) {
                throw EtcdError.fromApplied(a.error());
            }
            return a;
        });
    }

    private void checkPut(PutRequest p) {
        EtcdKv.range(p.getKey(), ByteString.EMPTY);
        if (p.getKey().size() > node.settings().maxKeyBytes() || p.getValue().size() > node.settings().maxValueBytes()) {
            throw EtcdError.invalid(EtcdError.REQUEST_TOO_LARGE);
        }
    }

    private void checkTxn(TxnRequest t, int depth) {
        if (t.getCompareCount() > MAX_TXN_OPS || t.getSuccessCount() > MAX_TXN_OPS || t.getFailureCount() > MAX_TXN_OPS) {
            throw EtcdError.invalid(EtcdError.TOO_MANY_OPS);
        }
        t.getCompareList().forEach(c -> EtcdKv.range(c.getKey(), c.getRangeEnd()));
        for (var ops : List.of(t.getSuccessList(), t.getFailureList())) {
            for (RequestOp op : ops) {
                switch (op.getRequestCase()) {
                    case REQUEST_PUT -> checkPut(op.getRequestPut());
                    case REQUEST_RANGE -> EtcdKv.range(op.getRequestRange().getKey(), op.getRequestRange().getRangeEnd());
                    case REQUEST_DELETE_RANGE -> EtcdKv.range(op.getRequestDeleteRange().getKey(),
                            op.getRequestDeleteRange().getRangeEnd());
                    case REQUEST_TXN -> checkTxn(op.getRequestTxn(), depth + 1);
                    default -> throw EtcdError.invalid("etcdserver: empty request op");
                }
            }
        }
    }

    private static boolean readOnly(TxnRequest t) {
        for (var ops : List.of(t.getSuccessList(), t.getFailureList())) {
            for (RequestOp op : ops) {
                if (op.hasRequestPut() || op.hasRequestDeleteRange()
                        || (op.hasRequestTxn() && !readOnly(op.getRequestTxn()))) {
                    return false;
                }
            }
        }
        return true;
    }
}
