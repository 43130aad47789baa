package dev.golt.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.DeleteRangeResponse;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.RequestOp;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.raft.linearizability.LinearizabilityChecker;
import dev.golt.raft.linearizability.MvccHistory;
import dev.golt.raft.linearizability.MvccModel;
import dev.golt.raft.linearizability.MvccOperation;
import dev.golt.raft.linearizability.MvccOperation.KeyState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the etcd v3 API under faults, revisions included: concurrent clients Put,
 * Range (latest, and at a past revision they saw, linearizable or serializable), compare-and-swap
 * in a Txn (on the mod revision they last saw) and DeleteRange a few keys through the gRPC API of
 * every node while the {@link Nemesis} kills, pauses and partitions them; the history is checked
 * against {@link MvccModel}, etcd's revisioned key space: one revision per write that changes
 * something, reads returning the current state and revision, reads at a revision the state as of
 * it, whichever node answers.
 *
 * <p>Outcomes as etcd defines them: an answer is definite. UNAVAILABLE (etcd's "no leader",
 * "request timed out", a node going down), DEADLINE_EXCEEDED, CANCELLED, UNKNOWN and INTERNAL may
 * come after the write was proposed, so it may take effect at any later time or never (etcd's own
 * client retries a write only when it was never sent, for this reason). OUT_OF_RANGE on a Range at
 * a revision is etcd's "compacted" or "future revision", a definite answer that the model checks:
 * nothing is compacted in this test (the nodes keep an hour of history) and a linearizable read
 * asks only for a revision its client has seen, so both are violations there; a serializable read
 * on a node that is behind may legitimately say "future revision", which constrains nothing. Any
 * other error (INVALID_ARGUMENT, ...) means the test sends something wrong: it fails.
 */
class EtcdLinearizabilityIT {

    private static final int CLIENTS = 5;
    private static final int KEYS = 3;
    private static final String TEST = "EtcdLinearizabilityIT";

    @Test
    void historyOfTxnsAndReadsAtRevisionsUnderFaultsIsLinearizable() throws Exception {
        FaultRuns.underNemesis(TEST, EtcdLinearizabilityIT::run);
    }

    private static void run(NodeProcesses c, Nemesis nemesis, long seed) throws Exception {
        for (String id : c.ids()) {
            c.start(id);
        }
        c.awaitLeader(Duration.ofSeconds(90));
        FaultRuns.say(TEST, "cluster up");
        List<ManagedChannel> channels = new ArrayList<>();
        for (String id : c.ids()) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", c.grpcPort(id)).usePlaintext().build());
        }
        try {
            MvccHistory history = new MvccHistory();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger definite = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                running.add(clients.submit(() -> {
                    Random r = new Random(seed * 31 + client);
                    Client cl = new Client(client, history);
                    for (int i = 0; !stop.get(); i++) {
                        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channels.get(r.nextInt(channels.size())));
                        String key = "lin/k" + r.nextInt(KEYS);
                        // Unique values keep the checker's search narrow.
                        if (cl.step(kv, r, key, "c" + client + "-" + i)) {
                            definite.incrementAndGet();
                        } else {
                            Thread.sleep(100);
                        }
                        // One search over every key (they share the revision): a couple of thousand
                        // operations in all keep the check to seconds.
                        Thread.sleep(20 + r.nextInt(60));
                    }
                    return null;
                }));
            }
            nemesis.run(FaultRuns.duration());
            FaultRuns.say(TEST, "faults over:\n  %s", String.join("\n  ", nemesis.log()));
            c.awaitLeader(Duration.ofSeconds(120));
            // A channel to a node that was down fails calls fast until its reconnect backoff (seconds
            // after a kill) runs out; the healed nodes are up now, and the sweep reads through each.
            channels.forEach(ManagedChannel::resetConnectBackoff);
            FaultRuns.awaitProgress("operations with a definite outcome", definite::get, 50);
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : running) {
                f.get();
            }
            c.awaitConverged(Duration.ofSeconds(120));
            FaultRuns.say(TEST, "converged");
            // Final reads through every node, part of the history: the state left behind must fit it too.
            Client last = new Client(CLIENTS, history);
            for (int k = 0; k < KEYS; k++) {
                for (ManagedChannel ch : channels) {
                    boolean ok = false;
                    for (int attempt = 0; attempt < 20 && !ok; attempt++) {
                        ok = last.range(KVGrpc.newBlockingStub(ch), "lin/k" + k);
                        if (!ok) {
                            Thread.sleep(500); // a read that did not happen: ask again
                        }
                    }
                    assertThat(ok).as("final read of lin/k%d", k).isTrue();
                }
            }

            sweep(channels, history, last.revisionSeen);

            List<MvccOperation> ops = history.operations();
            FaultRuns.say(TEST, "%d operations in the history, %d with a definite outcome, %d writes with an unknown one",
                    ops.size(), definite.get(), ops.stream().filter(op -> !op.known()).count());
            FaultRuns.say(TEST, "definite outcomes by kind: %s; compare-and-swaps that succeeded: %d", ops.stream()
                    .filter(MvccOperation::known).collect(Collectors.groupingBy(MvccOperation::kind, Collectors.counting())),
                    ops.stream().filter(op -> op.known() && op.kind() == MvccOperation.Kind.CAS && op.succeeded()).count());
            // Written first: a search that runs out of states or time leaves it to be checked again offline.
            Path written = FaultRuns.failureLogs(TEST, seed).resolve("history.tsv");
            history.write(written);
            long t0 = System.nanoTime();
            LinearizabilityChecker.Result result = LinearizabilityChecker.check(ops, new MvccModel());
            FaultRuns.say(TEST, "checked in %d ms: %s", (System.nanoTime() - t0) / 1_000_000,
                    result.linearizable() ? "linearizable" : "NOT linearizable");
            assertThat(result.linearizable()).as("%s", result).isTrue();
            Files.delete(written);
            Files.delete(written.getParent()); // node logs are kept only on failure: it is empty
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    /**
     * Every key read at every revision, through every node in turn, into the history: each node's
     * history must be the cluster's, and the checker learns where every write went (which keeps its
     * search narrow with hundreds of writes of unknown outcome). One Range over the keys per
     * revision, recorded as one read per key over the same interval.
     */
    private static void sweep(List<ManagedChannel> channels, MvccHistory history, long last) throws InterruptedException {
        for (long rev = MvccModel.FIRST_REVISION + 1; rev <= last; rev++) {
            boolean ok = false;
            for (int attempt = 0; attempt < 20 && !ok; attempt++) {
                List<MvccOperation> reads = new ArrayList<>();
                for (int k = 0; k < KEYS; k++) {
                    reads.add(history.invoke(MvccOperation.rangeAt(CLIENTS + 1, "lin/k" + k, rev, false)));
                }
                try {
                    RangeResponse resp = deadline(KVGrpc.newBlockingStub(channels.get((int) (rev % channels.size()))))
                            .range(RangeRequest.newBuilder().setKey(bytes("lin/")).setRangeEnd(bytes("lin0"))
                                    .setRevision(rev).build());
                    Map<String, KeyState> at = new HashMap<>();
                    for (KeyValue v : resp.getKvsList()) {
                        at.put(v.getKey().toStringUtf8(), new KeyState(v.getValue().toStringUtf8(),
                                v.getCreateRevision(), v.getModRevision(), v.getVersion()));
                    }
                    for (MvccOperation read : reads) {
                        history.rangeOk(read, at.get(read.key()), resp.getHeader().getRevision());
                    }
                    ok = true;
                } catch (StatusRuntimeException e) {
                    // A leader change just after the faults: ask again. Twenty failures fail the
                    // test, a "compacted" answer (nothing is compacted) among them.
                    reads.forEach(history::unknown);
                    Thread.sleep(200);
                }
            }
            assertThat(ok).as("sweep read at revision %d", rev).isTrue();
        }
    }

    /** One client: its operations, and what it has seen (mod revisions per key, the newest revision). */
    private static final class Client {
        private final int id;
        private final MvccHistory history;
        /** The mod revision of each key as this client last saw it; absent: it saw the key absent. */
        private final Map<String, Long> modSeen = new HashMap<>();
        /** The highest header revision this client has seen: every revision up to it exists. */
        private long revisionSeen = MvccModel.FIRST_REVISION;

        Client(int id, MvccHistory history) {
            this.id = id;
            this.history = history;
        }

        /** One random operation; true when its outcome is definite. */
        boolean step(KVGrpc.KVBlockingStub kv, Random r, String key, String value) {
            int dice = r.nextInt(100);
            if (dice < 25) {
                return put(kv, key, value);
            }
            if (dice < 45) {
                return range(kv, key);
            }
            if (dice < 65) {
                // Near the newest revision mostly, anywhere in the history sometimes.
                long back = r.nextInt(4) == 0 ? r.nextLong(revisionSeen) : r.nextInt((int) Math.min(revisionSeen, 10));
                return rangeAt(kv, key, revisionSeen - back, r.nextInt(3) == 0);
            }
            if (dice < 85) {
                return cas(kv, key, value);
            }
            return delete(kv, key);
        }

        boolean put(KVGrpc.KVBlockingStub kv, String key, String value) {
            MvccOperation op = history.invoke(MvccOperation.put(id, key, value));
            try {
                long rev = deadline(kv).put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build())
                        .getHeader().getRevision();
                history.putOk(op, rev);
                saw(rev);
                modSeen.put(key, rev);
                return true;
            } catch (StatusRuntimeException e) {
                return unknown(op, e);
            }
        }

        boolean range(KVGrpc.KVBlockingStub kv, String key) {
            MvccOperation op = history.invoke(MvccOperation.range(id, key));
            try {
                RangeResponse resp = deadline(kv).range(RangeRequest.newBuilder().setKey(bytes(key)).build());
                KeyState read = state(resp);
                history.rangeOk(op, read, resp.getHeader().getRevision());
                saw(resp.getHeader().getRevision());
                remember(key, read);
                return true;
            } catch (StatusRuntimeException e) {
                return unknown(op, e);
            }
        }

        boolean rangeAt(KVGrpc.KVBlockingStub kv, String key, long revision, boolean serializable) {
            MvccOperation op = history.invoke(MvccOperation.rangeAt(id, key, revision, serializable));
            try {
                RangeResponse resp = deadline(kv).range(RangeRequest.newBuilder().setKey(bytes(key))
                        .setRevision(revision).setSerializable(serializable).build());
                history.rangeOk(op, state(resp), resp.getHeader().getRevision());
                if (!serializable) {
                    saw(resp.getHeader().getRevision());
                }
                return true;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.OUT_OF_RANGE) {
                    String message = String.valueOf(e.getStatus().getDescription());
                    boolean compacted = message.contains("compacted");
                    if (!compacted && !message.contains("future revision")) {
                        throw new AssertionError("unexpected answer to " + op, e);
                    }
                    if (serializable && !compacted) {
                        history.unknown(op); // a node that is behind: legitimate, and says nothing
                    } else {
                        history.rangeError(op, compacted ? MvccOperation.Error.COMPACTED
                                : MvccOperation.Error.FUTURE_REVISION);
                    }
                    return true;
                }
                return unknown(op, e);
            }
        }

        /** If the key's mod revision is the one last seen (or it is absent, if seen absent) put, else read it. */
        boolean cas(KVGrpc.KVBlockingStub kv, String key, String value) {
            Long mod = modSeen.get(key);
            MvccOperation op = history.invoke(MvccOperation.cas(id, key, mod == null ? 0 : mod, value));
            Compare compare = mod == null
                    ? Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.CREATE)
                            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0).build()
                    : Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.MOD)
                            .setResult(Compare.CompareResult.EQUAL).setModRevision(mod).build();
            try {
                TxnResponse t = deadline(kv).txn(TxnRequest.newBuilder().addCompare(compare)
                        .addSuccess(RequestOp.newBuilder().setRequestPut(
                                PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))))
                        .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))))
                        .build());
                long rev = t.getHeader().getRevision();
                KeyState read = t.getSucceeded() ? null : state(t.getResponses(0).getResponseRange());
                history.casOk(op, t.getSucceeded(), read, rev);
                saw(rev);
                if (t.getSucceeded()) {
                    modSeen.put(key, rev);
                } else {
                    remember(key, read);
                }
                return true;
            } catch (StatusRuntimeException e) {
                return unknown(op, e);
            }
        }

        boolean delete(KVGrpc.KVBlockingStub kv, String key) {
            MvccOperation op = history.invoke(MvccOperation.delete(id, key));
            try {
                DeleteRangeResponse d = deadline(kv).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key)).build());
                history.deleteOk(op, d.getDeleted(), d.getHeader().getRevision());
                saw(d.getHeader().getRevision());
                modSeen.remove(key);
                return true;
            } catch (StatusRuntimeException e) {
                return unknown(op, e);
            }
        }

        private void saw(long revision) {
            revisionSeen = Math.max(revisionSeen, revision);
        }

        private void remember(String key, KeyState read) {
            if (read == null) {
                modSeen.remove(key);
            } else {
                modSeen.put(key, read.modRevision());
            }
        }

        /** A failure that may or may not have taken effect; any other is the test's own mistake. */
        private boolean unknown(MvccOperation op, StatusRuntimeException e) {
            switch (e.getStatus().getCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, UNKNOWN, INTERNAL -> history.unknown(op);
                default -> throw new AssertionError("unexpected answer to " + op, e);
            }
            return false;
        }
    }

    /** A deadline on every call: a paused node never answers, and an unknown outcome is still an outcome. */
    private static KVGrpc.KVBlockingStub deadline(KVGrpc.KVBlockingStub kv) {
        return kv.withDeadlineAfter(4, TimeUnit.SECONDS);
    }

    private static KeyState state(RangeResponse r) {
        if (r.getKvsCount() == 0) {
            return null;
        }
        KeyValue v = r.getKvs(0);
        return new KeyState(v.getValue().toStringUtf8(), v.getCreateRevision(), v.getModRevision(), v.getVersion());
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
