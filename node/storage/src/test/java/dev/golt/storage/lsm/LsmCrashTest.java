package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.KeyValueStore.KeyValue;
import dev.golt.storage.WriteBatch;
import dev.golt.storage.io.FaultInjectingFileIo;
import dev.golt.storage.io.FileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash at every write/fsync boundary of flushes and compactions: the reopened store must hold
 * exactly the state at its recorded applied index, which is at least the last durable one
 * acknowledged. Plus single-bit flips in SSTables.
 */
class LsmCrashTest {

    @TempDir
    Path tmp;

    static LsmOptions options(FileIo io) {
        return LsmOptions.defaults().withMemtableBytes(2048).withBlockSize(128).withBlockCacheBytes(16 << 10)
                .withCompaction(2, 4 << 10, 4, 2 << 10).withFsync(FsyncPolicy.ALWAYS).withIo(io);
    }

    /** Applies a deterministic workload; returns the model after each applied index. */
    static List<TreeMap<byte[], byte[]>> workload(LsmStore store, long seed, long[] durable) {
        Random rnd = new Random(seed);
        List<TreeMap<byte[], byte[]>> states = new ArrayList<>();
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        states.add(new TreeMap<>(model));
        for (int index = 1; index <= 70; index++) {
            WriteBatch b = new WriteBatch();
            for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                byte[] k = ("k" + rnd.nextInt(60)).getBytes();
                if (rnd.nextInt(4) == 0) {
                    b.delete(k);
                    model.remove(k);
                } else {
                    byte[] v = new byte[10 + rnd.nextInt(30)];
                    rnd.nextBytes(v);
                    b.put(k, v);
                    model.put(k, v);
                }
            }
            states.add(new TreeMap<>(model));
            store.apply(b, index);
            if (rnd.nextInt(15) == 0) {
                store.flush();
            }
            durable[0] = Math.max(durable[0], store.durableAppliedIndex());
        }
        return states;
    }

    static List<String> contents(LsmStore store) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : store.scan(new byte[0], null, Integer.MAX_VALUE)) {
            out.add(new String(kv.key()) + "=" + Arrays.toString(kv.value()));
        }
        return out;
    }

    static List<String> render(TreeMap<byte[], byte[]> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new String(k) + "=" + Arrays.toString(v)));
        return out;
    }

    @Test
    void reopensAtAConsistentDurableStateAfterACrashAtEveryBoundary() throws IOException {
        FaultInjectingFileIo counting = new FaultInjectingFileIo(Long.MAX_VALUE);
        List<TreeMap<byte[], byte[]>> states;
        try (LsmStore store = LsmStore.open(tmp.resolve("ref"), options(counting))) {
            states = workload(store, 11, new long[1]);
        }
        long total = counting.operations();
        assertThat(total).isGreaterThan(60);
        for (long crashAt = 1; crashAt <= total + 20; crashAt++) {
            Path dir = tmp.resolve("c" + crashAt);
            FaultInjectingFileIo io = new FaultInjectingFileIo(crashAt);
            long[] durable = new long[1];
            LsmStore store = null;
            try {
                store = LsmStore.open(dir, options(io));
                workload(store, 11, durable);
            } catch (RuntimeException e) {
                assertThat(io.crashed()).as("failure without a crash: %s", e).isTrue();
            } finally {
                if (store != null) {
                    try {
                        store.close();
                    } catch (RuntimeException e) {
                        assertThat(io.crashed()).as("close failed without a crash: %s", e).isTrue();
                    }
                }
            }
            io.powerLoss(new Random(crashAt));
            try (LsmStore reopened = LsmStore.open(dir, options(FileIo.DEFAULT).withFsync(FsyncPolicy.NEVER))) {
                long applied = reopened.appliedIndex();
                assertThat(applied).as("crash at %d", crashAt).isGreaterThanOrEqualTo(durable[0]);
                assertThat(contents(reopened)).as("crash at %d, applied %d", crashAt, applied)
                        .isEqualTo(render(states.get((int) applied)));
            }
            WalLikeCleanup.delete(dir);
        }
    }

    @Test
    void singleBitFlipsInTablesGiveTheExactDataOrACorruptionError() throws IOException {
        Path clean = tmp.resolve("clean");
        List<TreeMap<byte[], byte[]>> states;
        try (LsmStore store = LsmStore.open(clean, options(FileIo.DEFAULT).withFsync(FsyncPolicy.NEVER))) {
            states = workload(store, 5, new long[1]);
        }
        List<String> expected = render(states.get(states.size() - 1));
        List<Path> tables;
        try (Stream<Path> s = Files.list(clean)) {
            tables = s.filter(p -> FileNames.parseTable(p.getFileName().toString()).isPresent()).sorted().toList();
        }
        assertThat(tables).isNotEmpty();
        Random rnd = new Random(3);
        int detected = 0;
        for (int trial = 0; trial < 150; trial++) {
            Path dir = tmp.resolve("flip" + trial);
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(clean)) {
                for (Path p : s.toList()) {
                    Files.copy(p, dir.resolve(p.getFileName()));
                }
            }
            Path victim = dir.resolve(tables.get(rnd.nextInt(tables.size())).getFileName());
            byte[] bytes = Files.readAllBytes(victim);
            int bit = rnd.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(victim, bytes);
            try (LsmStore store = LsmStore.open(dir, options(FileIo.DEFAULT).withFsync(FsyncPolicy.NEVER))) {
                assertThat(contents(store)).as("flip of bit %d in %s", bit, victim.getFileName()).isEqualTo(expected);
                for (var e : states.get(states.size() - 1).entrySet()) {
                    assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
                }
            } catch (CorruptionException e) {
                detected++;
            }
            WalLikeCleanup.delete(dir);
        }
        assertThat(detected).isGreaterThan(100);
    }

    static final class WalLikeCleanup {
        static void delete(Path dir) throws IOException {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
