package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two million keys through a store with default options in a JVM limited to 256 MiB of heap (its
 * own surefire execution): memory stays bounded because nothing loads whole tables.
 */
class LoadTest {

    static final int KEYS = 2_000_000;

    @TempDir
    Path dir;

    static byte[] key(int i) {
        return String.format("user/%08d", i).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(int i) {
        byte[] v = new byte[100];
        new Random(i).nextBytes(v);
        return v;
    }

    @Test
    void twoMillionKeysInBoundedMemory() {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(300L << 20);
        Random rnd = new Random(1);
        long index = 0;
        long maxUsage = 0;
        try (LsmStore store = LsmStore.open(dir, LsmOptions.defaults().withFsync(FsyncPolicy.NEVER))) {
            // random insertion order: a permutation by multiplication with a unit mod KEYS
            for (int start = 0; start < KEYS; start += 500) {
                WriteBatch b = new WriteBatch();
                for (int j = start; j < start + 500; j++) {
                    int k = (int) ((j * 1_000_003L) % KEYS);
                    b.put(key(k), value(k));
                }
                store.apply(b, ++index);
                if (start % 200_000 == 0) {
                    maxUsage = Math.max(maxUsage, store.memoryUsage());
                }
            }
            store.flush();
            for (int i = 0; i < 20_000; i++) {
                int k = rnd.nextInt(KEYS);
                assertThat(store.get(key(k))).isEqualTo(value(k));
            }
            assertThat(store.get("user/x".getBytes(StandardCharsets.US_ASCII))).isNull();
            assertThat(store.scan("user/0100".getBytes(StandardCharsets.US_ASCII), null, 1000)).hasSize(1000);
            maxUsage = Math.max(maxUsage, store.memoryUsage());
        }
        // memtables (3 x 16 MiB) + block cache (32 MiB) + index/filter metadata
        assertThat(maxUsage).isLessThan(100L << 20);
        try (LsmStore store = LsmStore.open(dir, LsmOptions.defaults().withFsync(FsyncPolicy.NEVER))) {
            assertThat(store.appliedIndex()).isEqualTo(index);
            assertThat(store.get(key(1_234_567))).isEqualTo(value(1_234_567));
        }
    }
}
