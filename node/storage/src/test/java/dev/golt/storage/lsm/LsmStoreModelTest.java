package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.KeyValueStore.KeyValue;
import dev.golt.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Random operations against the store and a TreeMap model, including flushes, compactions, checkpoints and reopens. */
class LsmStoreModelTest {

    @TempDir
    Path tmp;

    static LsmOptions tiny() {
        return LsmOptions.defaults().withMemtableBytes(12 << 10).withBlockSize(128).withBlockCacheBytes(64 << 10)
                .withCompaction(3, 8 << 10, 4, 4 << 10).withFsync(FsyncPolicy.NEVER);
    }

    static List<Long> seeds() {
        List<Long> s = new ArrayList<>();
        for (long i = 1; i <= 8; i++) {
            s.add(i * 7919);
        }
        return s;
    }

    static final Map<byte[], byte[]> NOTHING = Map.of();

    @ParameterizedTest
    @MethodSource("seeds")
    void behavesLikeASortedMap(long seed) {
        Random rnd = new Random(seed);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        Path dir = tmp.resolve("db");
        LsmStore store = LsmStore.open(dir, tiny());
        long index = 0;
        int checkpoints = 0;
        try {
            for (int op = 0; op < 2000; op++) {
                int r = rnd.nextInt(1000);
                if (r < 450) {
                    WriteBatch b = new WriteBatch();
                    int n = 1 + rnd.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        byte[] k = key(rnd);
                        if (rnd.nextInt(5) == 0) {
                            b.delete(k);
                            model.remove(k);
                        } else {
                            byte[] v = value(rnd);
                            b.put(k, v);
                            model.put(k, v);
                        }
                    }
                    store.apply(b, ++index);
                } else if (r < 700) {
                    byte[] k = key(rnd);
                    assertThat(store.get(k)).as("get %s", str(k)).isEqualTo(model.get(k));
                } else if (r < 900) {
                    byte[] prefix = bytes(new String[] {"", "a/", "b/", "c/1", "zz"}[rnd.nextInt(5)]);
                    byte[] after = rnd.nextBoolean() ? null : key(rnd);
                    int limit = 1 + rnd.nextInt(40);
                    assertThat(render(store.scan(prefix, after, limit))).as("scan").isEqualTo(expected(model, prefix, after, limit));
                } else if (r < 930) {
                    store.flush();
                } else if (r < 950) {
                    store.awaitCompactions();
                } else if (r < 960) {
                    Path cp = tmp.resolve("cp" + checkpoints++);
                    long at = store.checkpoint(cp);
                    assertThat(at).isEqualTo(index);
                    assertThat(LsmStore.checkpointIndex(cp)).isEqualTo(index);
                    // keep writing to the source: the checkpoint must not change
                    WriteBatch extra = new WriteBatch().put(bytes("a/after-checkpoint"), bytes("x"));
                    store.apply(extra, ++index);
                    try (LsmStore copy = LsmStore.open(cp, tiny())) {
                        assertThat(copy.appliedIndex()).isEqualTo(at);
                        assertThat(render(copy.scan(new byte[0], null, Integer.MAX_VALUE)))
                                .isEqualTo(expected(model, new byte[0], null, Integer.MAX_VALUE));
                    }
                    model.put(bytes("a/after-checkpoint"), bytes("x"));
                } else if (r < 970) {
                    store.close();
                    store = LsmStore.open(dir, tiny());
                    assertThat(store.appliedIndex()).isEqualTo(index);
                } else {
                    store.apply(new WriteBatch(), ++index); // entries without state changes still advance the index
                }
            }
            store.awaitCompactions();
            assertThat(render(store.scan(new byte[0], null, Integer.MAX_VALUE))).isEqualTo(expected(model, new byte[0], null, Integer.MAX_VALUE));
            for (var e : model.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
        } finally {
            store.close();
        }
    }

    static byte[] key(Random rnd) {
        String p = new String[] {"a/", "b/", "c/", "c/1", ""}[rnd.nextInt(5)];
        return bytes(p + rnd.nextInt(300));
    }

    static byte[] value(Random rnd) {
        byte[] v = new byte[rnd.nextInt(40)];
        rnd.nextBytes(v);
        return v;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static List<String> render(List<KeyValue> kvs) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : kvs) {
            out.add(str(kv.key()) + "=" + Arrays.toString(kv.value()));
        }
        return out;
    }

    static List<String> expected(TreeMap<byte[], byte[]> model, byte[] prefix, byte[] after, int limit) {
        List<String> out = new ArrayList<>();
        for (var e : model.tailMap(prefix, true).entrySet()) {
            byte[] k = e.getKey();
            if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                break;
            }
            if (after != null && Arrays.compareUnsigned(k, after) <= 0) {
                continue;
            }
            if (out.size() == limit) {
                break;
            }
            out.add(str(k) + "=" + Arrays.toString(e.getValue()));
        }
        return out;
    }
}
