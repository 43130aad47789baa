package dev.golt.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.lsm.LsmOptions;
import dev.golt.storage.lsm.LsmStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based test of the multi-version store on a real LSM tree (small memtables, so reads cross
 * flushed tables): random puts, range deletes, multi-key writes, leases and compactions, each
 * compared after every step with a reference model that keeps every revision's whole state in
 * memory — reads at every retained revision, the event log, counts and limits, and the store
 * reopened from disk.
 */
class MvccStoreModelTest {

    @TempDir
    Path dir;

    /** The reference: the state after each revision, the events of each, the leases. */
    static final class Model {
        /** By revision; the store starts at revision 1, as etcd's does. */
        final List<TreeMap<String, KeyValue>> states = new ArrayList<>(List.of(new TreeMap<>(), new TreeMap<>()));
        final Map<Long, List<Event>> events = new HashMap<>();
        final Map<Long, Long> leases = new HashMap<>();
        long compacted;

        long revision() {
            return states.size() - 1;
        }
    }

    private static final String[] KEYS = {"a", "a\u0000", "a\u0000b", "ab", "b", "b/1", "b/2", "c", "\u00ff", ""};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomWritesReadAtEveryRetainedRevisionAsTheModelSays(long seed) {
        Random rnd = new Random(seed);
        LsmOptions options = LsmOptions.defaults().withFsync(FsyncPolicy.NEVER).withMemtableBytes(4096);
        Model model = new Model();
        LsmStore lsm = LsmStore.open(dir.resolve("s" + seed), options);
        MvccStore store = new MvccStore(lsm);
        long index = 0;
        for (int step = 0; step < 400; step++) {
            MvccWrite w = store.write();
            TreeMap<String, KeyValue> next = new TreeMap<>(model.states.get((int) model.revision()));
            List<Event> expected = new ArrayList<>();
            long rev = model.revision() + 1;
            int op = rnd.nextInt(10);
            if (op < 5) {
                // One or more puts of distinct keys in one revision (a transaction).
                int n = 1 + rnd.nextInt(op == 0 ? 3 : 1);
                List<String> picked = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String k = key(rnd);
                    if (k.isEmpty() || picked.contains(k)) {
                        continue;
                    }
                    picked.add(k);
                    long lease = rnd.nextInt(4) == 0 && !model.leases.isEmpty()
                            ? model.leases.keySet().iterator().next() : 0;
                    byte[] value = ("v" + step + "-" + i).getBytes(StandardCharsets.UTF_8);
                    KeyValue prev = next.get(k);
                    KeyValue kv = new KeyValue(bytes(k), prev == null ? rev : prev.createRevision(), rev,
                            prev == null ? 1 : prev.version() + 1, value, lease);
                    next.put(k, kv);
                    expected.add(new Event(Event.Type.PUT, kv, prev));
                    w.put(bytes(k), value, lease);
                }
            } else if (op < 7) {
                KeyRange r = randomRange(rnd);
                for (KeyValue prev : new ArrayList<>(next.values())) {
                    if (r.contains(prev.key())) {
                        next.remove(str(prev.key()));
                        expected.add(new Event(Event.Type.DELETE, new KeyValue(prev.key(), 0, rev, 0, new byte[0], 0), prev));
                    }
                }
                w.deleteRange(r);
            } else if (op == 7) {
                long id = 100 + rnd.nextInt(3);
                if (model.leases.containsKey(id)) {
                    for (KeyValue prev : new ArrayList<>(next.values())) {
                        if (prev.lease() == id) {
                            next.remove(str(prev.key()));
                            expected.add(new Event(Event.Type.DELETE, new KeyValue(prev.key(), 0, rev, 0, new byte[0], 0), prev));
                        }
                    }
                    assertThat(w.leaseExists(id)).isTrue();
                    w.revokeLease(id);
                    model.leases.remove(id);
                } else {
                    assertThat(w.leaseExists(id)).isFalse();
                    w.grantLease(id, 10 + id);
                    model.leases.put(id, 10 + id);
                }
            } else if (op == 8 && model.revision() > model.compacted) {
                long to = model.compacted + 1 + rnd.nextInt((int) (model.revision() - model.compacted));
                w.compact(to);
                model.compacted = to;
            } else {
                // A write that reads only: it reads the current state and makes no revision.
                KeyRange r = randomRange(rnd);
                long inModel = next.values().stream().filter(kv -> r.contains(kv.key())).count();
                assertThat(w.range(r, 0, 0, false).count()).isEqualTo(inModel);
            }
            List<Event> got = w.commit(++index);
            assertEvents(got, expected);
            if (!expected.isEmpty()) {
                model.states.add(next);
                model.events.put(rev, expected);
            }
            if (step % 37 == 36) {
                lsm.close();
                lsm = LsmStore.open(dir.resolve("s" + seed), options);
                store = new MvccStore(lsm);
            }
            check(store, model, rnd);
        }
        lsm.close();
    }

    private static void check(MvccStore store, Model model, Random rnd) {
        assertThat(store.revision()).isEqualTo(model.revision());
        assertThat(store.compactedRevision()).isEqualTo(model.compacted);
        for (int i = 0; i < 3; i++) {
            long lowest = Math.min(Math.max(1, model.compacted), model.revision()); // 0 asks for the current one
            long at = lowest + rnd.nextInt((int) (model.revision() - lowest + 1));
            KeyRange r = randomRange(rnd);
            int limit = rnd.nextInt(4);
            List<KeyValue> all = new ArrayList<>();
            for (KeyValue kv : model.states.get((int) at).values()) {
                if (r.contains(kv.key())) {
                    all.add(kv);
                }
            }
            RangeResult got = store.range(r, at == model.revision() && rnd.nextBoolean() ? 0 : at, limit, false);
            assertThat(got.count()).as("count at %d", at).isEqualTo(all.size());
            List<KeyValue> want = limit == 0 ? all : all.subList(0, Math.min(limit, all.size()));
            assertKvs(got.kvs(), want);
            assertThat(got.more()).isEqualTo(want.size() < all.size());
        }
        if (model.compacted > 1) {
            assertThatThrownBy(() -> store.range(KeyRange.prefix(new byte[0]), model.compacted - 1, 0, false))
                    .isInstanceOf(RevisionException.class).hasMessageContaining("compacted");
        }
        assertThatThrownBy(() -> store.range(KeyRange.single(bytes("a")), model.revision() + 1, 0, false))
                .isInstanceOf(RevisionException.class).hasMessageContaining("future");
        long from = Math.max(1, model.compacted) + rnd.nextInt((int) (model.revision() - Math.max(1, model.compacted) + 2));
        List<Event> want = new ArrayList<>();
        for (long rev = from; rev <= model.revision(); rev++) {
            for (Event e : model.events.getOrDefault(rev, List.of())) {
                // The previous version is kept while it is the newest at or below the compacted
                // revision: lost only for an event at exactly that revision (etcd loses more).
                boolean prevKept = e.prevKv() != null && (e.prevKv().modRevision() >= model.compacted || rev > model.compacted);
                want.add(prevKept ? e : e.withoutPrev());
            }
        }
        assertEvents(store.events(from, Integer.MAX_VALUE, true), want);
        for (Map.Entry<Long, Long> l : model.leases.entrySet()) {
            assertThat(store.leaseTtl(l.getKey())).isEqualTo(l.getValue());
            List<String> keys = model.states.get((int) model.revision()).values().stream()
                    .filter(kv -> kv.lease() == l.getKey()).map(kv -> str(kv.key())).toList();
            assertThat(store.leaseKeys(l.getKey()).stream().map(MvccStoreModelTest::str).toList()).isEqualTo(keys);
        }
        assertThat(store.leases()).hasSize(model.leases.size());
    }

    @Test
    void aWatchReplayNeverSplitsARevision(@TempDir Path d) {
        try (LsmStore lsm = LsmStore.open(d, LsmOptions.defaults().withFsync(FsyncPolicy.NEVER))) {
            MvccStore store = new MvccStore(lsm);
            MvccWrite w = store.write();
            w.put(bytes("a"), bytes("1"), 0);
            w.put(bytes("b"), bytes("1"), 0);
            w.put(bytes("c"), bytes("1"), 0);
            w.commit(1);
            MvccWrite w2 = store.write();
            w2.put(bytes("a"), bytes("2"), 0);
            w2.commit(2);
            assertThat(store.events(2, 2, false)).hasSize(3);
            assertThat(store.events(3, 2, false)).hasSize(1);
        }
    }

    @Test
    void aTransactionThatChangesAKeyTwiceIsRefused(@TempDir Path d) {
        try (LsmStore lsm = LsmStore.open(d, LsmOptions.defaults().withFsync(FsyncPolicy.NEVER))) {
            MvccWrite w = new MvccStore(lsm).write();
            w.put(bytes("a"), bytes("1"), 0);
            assertThatThrownBy(() -> w.put(bytes("a"), bytes("2"), 0)).hasMessageContaining("duplicate key");
        }
    }

    private static void assertEvents(List<Event> got, List<Event> want) {
        assertThat(got).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i).type()).isEqualTo(want.get(i).type());
            assertKv(got.get(i).kv(), want.get(i).kv());
            if (want.get(i).prevKv() == null) {
                assertThat(got.get(i).prevKv()).isNull();
            } else {
                assertKv(got.get(i).prevKv(), want.get(i).prevKv());
            }
        }
    }

    private static void assertKvs(List<KeyValue> got, List<KeyValue> want) {
        assertThat(got.stream().map(kv -> str(kv.key())).toList()).isEqualTo(want.stream().map(kv -> str(kv.key())).toList());
        for (int i = 0; i < want.size(); i++) {
            assertKv(got.get(i), want.get(i));
        }
    }

    private static void assertKv(KeyValue got, KeyValue want) {
        assertThat(str(got.key())).isEqualTo(str(want.key()));
        assertThat(new long[] {got.createRevision(), got.modRevision(), got.version(), got.lease()})
                .as("create, mod, version, lease of %s", str(want.key()))
                .containsExactly(want.createRevision(), want.modRevision(), want.version(), want.lease());
        assertThat(Arrays.equals(got.value(), want.value())).as("value of %s", str(want.key())).isTrue();
    }

    private static String key(Random rnd) {
        return KEYS[rnd.nextInt(KEYS.length)];
    }

    private static KeyRange randomRange(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> KeyRange.single(bytes(nonEmpty(rnd)));
            case 1 -> KeyRange.prefix(bytes(key(rnd)));
            case 2 -> new KeyRange(bytes(key(rnd)), null);
            default -> {
                String a = key(rnd);
                String b = key(rnd);
                yield a.compareTo(b) <= 0 ? new KeyRange(bytes(a), bytes(b)) : new KeyRange(bytes(b), bytes(a));
            }
        };
    }

    private static String nonEmpty(Random rnd) {
        String k = key(rnd);
        return k.isEmpty() ? "a" : k;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
