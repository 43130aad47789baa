package dev.golt.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RequestOp;
import dev.golt.etcd.api.ResponseOp;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.lsm.LsmOptions;
import dev.golt.storage.lsm.LsmStore;
import dev.golt.storage.mvcc.MvccStore;
import dev.golt.storage.mvcc.MvccWrite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based test of etcd transactions ({@link Txns}) on the real MVCC store: random compares
 * (value, version, create and mod revision, lease; all four operators; single keys and ranges) and
 * random success/failure branches of puts, range deletes, ranges and nested transactions, compared
 * after every step with a reference written from etcd's documented semantics: which branch runs,
 * every response, and the whole key space with each key's revisions, version and lease.
 */
class TxnModelTest {

    @TempDir
    Path dir;

    record Kv(String value, long create, long mod, long version, long lease) {}

    private static final String[] KEYS = {"a", "b", "b1", "b2", "c"};
    private static final long LEASE = 42;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void randomTransactionsDoWhatEtcdsSemanticsSay(long seed) {
        Random rnd = new Random(seed);
        try (LsmStore lsm = LsmStore.open(dir.resolve("s" + seed), LsmOptions.defaults().withFsync(FsyncPolicy.NEVER))) {
            MvccStore store = new MvccStore(lsm);
            MvccWrite g = store.write();
            g.grantLease(LEASE, 60);
            g.commit(1);
            TreeMap<String, Kv> model = new TreeMap<>();
            long revision = 1; // etcd's first revision
            for (int step = 0; step < 300; step++) {
                TxnRequest txn = randomTxn(rnd, 0);
                // The reference: evaluate on a copy; duplicate writes refuse the whole transaction.
                TreeMap<String, Kv> next = new TreeMap<>(model);
                List<String> expected = new ArrayList<>();
                Set<String> written = new HashSet<>();
                boolean[] refused = {false};
                boolean[] changed = {false};
                long rev = revision + 1;
                boolean succeeded = apply(txn, next, rev, expected, written, refused, changed);

                MvccWrite w = store.write();
                TxnResponse got = null;
                try {
                    got = Txns.apply(txn, w);
                } catch (EtcdError e) {
                    assertThat(refused[0]).as("step %d refused with %s", step, e.getMessage()).isTrue();
                }
                if (refused[0]) {
                    assertThat(got).as("step %d should be refused", step).isNull();
                    store.write().commit(step + 2);
                } else {
                    w.commit(step + 2);
                    assertThat(got.getSucceeded()).as("step %d branch", step).isEqualTo(succeeded);
                    assertThat(describe(got)).as("step %d responses", step).isEqualTo(expected);
                    model = next;
                    if (changed[0]) {
                        revision = rev;
                    }
                }
                assertThat(store.revision()).isEqualTo(revision);
                Map<String, Kv> actual = new TreeMap<>();
                store.range(new dev.golt.storage.mvcc.KeyRange(new byte[0], null), 0, 0, false).kvs()
                        .forEach(kv -> actual.put(str(kv.key()), new Kv(str(kv.value()), kv.createRevision(),
                                kv.modRevision(), kv.version(), kv.lease())));
                assertThat(actual).as("key space after step %d", step).isEqualTo(model);
            }
        }
    }

    /** The reference semantics; appends a description of each response to {@code out}. */
    private static boolean apply(TxnRequest txn, TreeMap<String, Kv> state, long rev, List<String> out,
            Set<String> written, boolean[] refused, boolean[] changed) {
        boolean ok = txn.getCompareList().stream().allMatch(c -> holds(c, state));
        for (RequestOp op : ok ? txn.getSuccessList() : txn.getFailureList()) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> {
                    RangeRequest r = op.getRequestRange();
                    List<String> keys = new ArrayList<>();
                    inRange(state, r.getKey(), r.getRangeEnd()).forEach(k -> keys.add(k + "=" + state.get(k).value()));
                    out.add("range " + keys);
                }
                case REQUEST_PUT -> {
                    PutRequest p = op.getRequestPut();
                    String k = str(p.getKey());
                    if (!written.add(k)) {
                        refused[0] = true;
                        return ok;
                    }
                    Kv prev = state.get(k);
                    state.put(k, new Kv(str(p.getValue()), prev == null ? rev : prev.create(), rev,
                            prev == null ? 1 : prev.version() + 1, p.getLease()));
                    changed[0] = true;
                    out.add("put prev=" + (p.getPrevKv() && prev != null ? prev.value() : "-"));
                }
                case REQUEST_DELETE_RANGE -> {
                    DeleteRangeRequest d = op.getRequestDeleteRange();
                    List<String> keys = inRange(state, d.getKey(), d.getRangeEnd());
                    for (String k : keys) {
                        if (!written.add(k)) {
                            refused[0] = true;
                            return ok;
                        }
                        state.remove(k);
                        changed[0] = true;
                    }
                    out.add("delete " + keys.size());
                }
                case REQUEST_TXN -> {
                    List<String> inner = new ArrayList<>();
                    boolean s = apply(op.getRequestTxn(), state, rev, inner, written, refused, changed);
                    if (refused[0]) {
                        return ok;
                    }
                    out.add("txn " + s + " " + inner);
                }
                default -> throw new AssertionError(op);
            }
        }
        return ok;
    }

    private static boolean holds(Compare c, TreeMap<String, Kv> state) {
        List<String> keys = inRange(state, c.getKey(), c.getRangeEnd());
        if (keys.isEmpty()) {
            return c.getTarget() != Compare.CompareTarget.VALUE && holds(c, new Kv("", 0, 0, 0, 0));
        }
        return keys.stream().allMatch(k -> holds(c, state.get(k)));
    }

    private static boolean holds(Compare c, Kv kv) {
        int cmp = switch (c.getTarget()) {
            case VERSION -> Long.compare(kv.version(), c.getVersion());
            case CREATE -> Long.compare(kv.create(), c.getCreateRevision());
            case MOD -> Long.compare(kv.mod(), c.getModRevision());
            case VALUE -> Integer.signum(kv.value().compareTo(str(c.getValue())));
            case LEASE -> Long.compare(kv.lease(), c.getLease());
            default -> throw new AssertionError();
        };
        return switch (c.getResult()) {
            case EQUAL -> cmp == 0;
            case NOT_EQUAL -> cmp != 0;
            case GREATER -> cmp > 0;
            case LESS -> cmp < 0;
            default -> throw new AssertionError();
        };
    }

    private static List<String> inRange(TreeMap<String, Kv> state, ByteString key, ByteString end) {
        String from = str(key);
        if (end.isEmpty()) {
            return state.containsKey(from) ? List.of(from) : List.of();
        }
        return new ArrayList<>(state.subMap(from, true, str(end), false).keySet());
    }

    private static List<String> describe(TxnResponse r) {
        List<String> out = new ArrayList<>();
        for (ResponseOp op : r.getResponsesList()) {
            switch (op.getResponseCase()) {
                case RESPONSE_RANGE -> {
                    List<String> keys = new ArrayList<>();
                    op.getResponseRange().getKvsList().forEach(kv -> keys.add(str(kv.getKey()) + "=" + str(kv.getValue())));
                    out.add("range " + keys);
                }
                case RESPONSE_PUT -> out.add("put prev=" + (op.getResponsePut().hasPrevKv()
                        ? str(op.getResponsePut().getPrevKv().getValue()) : "-"));
                case RESPONSE_DELETE_RANGE -> out.add("delete " + op.getResponseDeleteRange().getDeleted());
                case RESPONSE_TXN -> out.add("txn " + op.getResponseTxn().getSucceeded() + " " + describe(op.getResponseTxn()));
                default -> throw new AssertionError(op);
            }
        }
        return out;
    }

    private static TxnRequest randomTxn(Random rnd, int depth) {
        TxnRequest.Builder t = TxnRequest.newBuilder();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            t.addCompare(randomCompare(rnd));
        }
        for (int i = rnd.nextInt(4); i > 0; i--) {
            t.addSuccess(randomOp(rnd, depth));
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            t.addFailure(randomOp(rnd, depth));
        }
        return t.build();
    }

    private static Compare randomCompare(Random rnd) {
        Compare.Builder c = Compare.newBuilder().setKey(bytes(KEYS[rnd.nextInt(KEYS.length)]))
                .setResult(Compare.CompareResult.forNumber(rnd.nextInt(4)));
        if (rnd.nextInt(4) == 0) {
            c.setRangeEnd(bytes("c"));
        }
        switch (rnd.nextInt(5)) {
            case 0 -> c.setTarget(Compare.CompareTarget.VERSION).setVersion(rnd.nextInt(3));
            case 1 -> c.setTarget(Compare.CompareTarget.CREATE).setCreateRevision(rnd.nextInt(20));
            case 2 -> c.setTarget(Compare.CompareTarget.MOD).setModRevision(rnd.nextInt(20));
            case 3 -> c.setTarget(Compare.CompareTarget.VALUE).setValue(bytes("v" + rnd.nextInt(3)));
            default -> c.setTarget(Compare.CompareTarget.LEASE).setLease(rnd.nextBoolean() ? LEASE : 0);
        }
        return c.build();
    }

    private static RequestOp randomOp(Random rnd, int depth) {
        String k = KEYS[rnd.nextInt(KEYS.length)];
        return switch (rnd.nextInt(depth < 1 ? 5 : 4)) {
            case 0, 1 -> RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(k))
                    .setValue(bytes("v" + rnd.nextInt(3))).setPrevKv(rnd.nextBoolean())
                    .setLease(rnd.nextInt(3) == 0 ? LEASE : 0)).build();
            case 2 -> RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(k))
                    .setRangeEnd(rnd.nextBoolean() ? ByteString.EMPTY : bytes(k + "~"))).build();
            case 3 -> RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("z"))).build();
            default -> RequestOp.newBuilder().setRequestTxn(randomTxn(rnd, depth + 1)).build();
        };
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private static String str(ByteString b) {
        return b.toStringUtf8();
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
