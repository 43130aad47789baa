package dev.golt.storage.bench;

import dev.golt.storage.WriteBatch;
import dev.golt.storage.lsm.LsmOptions;
import dev.golt.storage.lsm.LsmStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * Same workload on Golt's LSM and on RocksDB (WAL disabled on both: the Raft log is the WAL).
 * Run: {@code ./mvnw -pl node/storage -Pbench test-compile exec:java} (see BENCHMARK.md).
 * Optional system properties: {@code bench.keys} (default 1000000), {@code bench.dir}.
 */
public final class LsmVsRocksBenchmark {

    private static final int VALUE_BYTES = 100;
    private static final int BUCKETS = 4096;
    private static final long MEMTABLE = 64L << 20;
    private static final long CACHE = 64L << 20;

    interface Engine extends AutoCloseable {
        void put(byte[] k, byte[] v, long index) throws Exception;

        byte[] get(byte[] k) throws Exception;

        int scan(byte[] prefix, int limit) throws Exception;

        void settle() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.keys", 1_000_000);
        Path base = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))), "golt-bench");
        Random rnd = new Random(42);
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = String.format("%04x/%012x", rnd.nextInt(BUCKETS), rnd.nextLong() & 0xFFFFFFFFFFFFL).getBytes(StandardCharsets.US_ASCII);
        }
        byte[][] misses = new byte[n / 2][];
        for (int i = 0; i < misses.length; i++) {
            misses[i] = String.format("%04x/%012xm", rnd.nextInt(BUCKETS), rnd.nextLong() & 0xFFFFFFFFFFFFL).getBytes(StandardCharsets.US_ASCII);
        }
        byte[] value = new byte[VALUE_BYTES];
        rnd.nextBytes(value);
        int[] readOrder = new int[n];
        for (int i = 0; i < n; i++) {
            readOrder[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = readOrder[i];
            readOrder[i] = readOrder[j];
            readOrder[j] = t;
        }
        System.out.printf("workload: %,d random puts (16-byte keys, %d-byte values), %,d hit gets, %,d miss gets, 20,000 prefix scans (limit 100)%n",
                n, VALUE_BYTES, n, misses.length);
        double[] golt = new double[4];
        double[] rocks = new double[4];
        // Phases alternate between the engines (reads in A-B-B-A order, averaged) so that load
        // drifting on a shared machine does not favour whichever engine runs first.
        try (Engine g = golt(base.resolve("golt")); Engine r = rocks(base.resolve("rocks"))) {
            golt[0] = puts("golt", g, keys, value);
            rocks[0] = puts("rocksdb", r, keys, value);
            for (int phase = 1; phase <= 3; phase++) {
                double g1 = reads(phase, "golt", g, keys, misses, readOrder);
                double r1 = reads(phase, "rocksdb", r, keys, misses, readOrder);
                double r2 = reads(phase, "rocksdb", r, keys, misses, readOrder);
                double g2 = reads(phase, "golt", g, keys, misses, readOrder);
                golt[phase] = (g1 + g2) / 2;
                rocks[phase] = (r1 + r2) / 2;
            }
        }
        String[] names = {"puts", "gets (hit)", "gets (miss)", "prefix scans"};
        System.out.printf("%n%-14s %16s %16s %8s%n", "operation", "golt ops/s", "rocksdb ops/s", "ratio");
        for (int i = 0; i < names.length; i++) {
            System.out.printf("%-14s %,16.0f %,16.0f %7.2fx%n", names[i], golt[i], rocks[i], golt[i] / rocks[i]);
        }
        deleteRecursively(base);
    }

    private static double puts(String name, Engine e, byte[][] keys, byte[] value) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < keys.length; i++) {
            e.put(keys[i], value, i + 1);
        }
        double rate = keys.length / seconds(t0);
        long s0 = System.nanoTime();
        e.settle();
        System.out.printf("%s: %,.0f puts/s; flush + compaction settled in %.1f s%n", name, rate, seconds(s0));
        return rate;
    }

    private static double reads(int phase, String name, Engine e, byte[][] keys, byte[][] misses, int[] order) throws Exception {
        long t0 = System.nanoTime();
        switch (phase) {
            case 1 -> {
                long found = 0;
                for (int i : order) {
                    if (e.get(keys[i]) != null) {
                        found++;
                    }
                }
                if (found != keys.length) {
                    throw new AssertionError(name + ": found " + found + " of " + keys.length);
                }
                return order.length / seconds(t0);
            }
            case 2 -> {
                for (byte[] k : misses) {
                    if (e.get(k) != null) {
                        throw new AssertionError(name + ": phantom key");
                    }
                }
                return misses.length / seconds(t0);
            }
            default -> {
                Random rnd = new Random(7);
                int scans = 20_000;
                long items = 0;
                for (int i = 0; i < scans; i++) {
                    items += e.scan(String.format("%04x/", rnd.nextInt(BUCKETS)).getBytes(StandardCharsets.US_ASCII), 100);
                }
                if (items < scans * Math.min(90L, keys.length / BUCKETS / 2)) {
                    throw new AssertionError(name + ": scans returned only " + items + " items");
                }
                return scans / seconds(t0);
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static Engine golt(Path dir) {
        LsmStore store = LsmStore.open(dir, LsmOptions.defaults().withMemtableBytes(MEMTABLE).withBlockCacheBytes(CACHE));
        return new Engine() {
            @Override
            public void put(byte[] k, byte[] v, long index) {
                store.apply(new WriteBatch().put(k, v), index);
            }

            @Override
            public byte[] get(byte[] k) {
                return store.get(k);
            }

            @Override
            public int scan(byte[] prefix, int limit) {
                return store.scan(prefix, null, limit).size();
            }

            @Override
            public void settle() {
                store.flush();
                store.awaitCompactions();
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    static Engine rocks(Path dir) throws Exception {
        RocksDB.loadLibrary();
        LRUCache cache = new LRUCache(CACHE);
        BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(new BloomFilter(10)).setBlockSize(4096);
        Options options = new Options().setCreateIfMissing(true).setWriteBufferSize(MEMTABLE).setTableFormatConfig(table);
        Files.createDirectories(dir);
        RocksDB db = RocksDB.open(options, dir.toString());
        WriteOptions wo = new WriteOptions().setDisableWAL(true);
        ReadOptions ro = new ReadOptions();
        return new Engine() {
            @Override
            public void put(byte[] k, byte[] v, long index) throws Exception {
                db.put(wo, k, v);
            }

            @Override
            public byte[] get(byte[] k) throws Exception {
                return db.get(ro, k);
            }

            @Override
            public int scan(byte[] prefix, int limit) {
                int n = 0;
                try (RocksIterator it = db.newIterator(ro)) {
                    for (it.seek(prefix); it.isValid() && n < limit; it.next()) {
                        byte[] k = it.key();
                        if (!startsWith(k, prefix)) {
                            break;
                        }
                        it.value();
                        n++;
                    }
                }
                return n;
            }

            @Override
            public void settle() throws Exception {
                try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
                    db.flush(fo);
                }
                db.compactRange();
            }

            @Override
            public void close() {
                db.close();
                options.close();
                wo.close();
                ro.close();
                cache.close();
            }
        };
    }

    static boolean startsWith(byte[] k, byte[] p) {
        return k.length >= p.length && java.util.Arrays.equals(k, 0, p.length, p, 0, p.length);
    }

    private static void deleteRecursively(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }
}
