package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.storage.io.FileIo;
import dev.golt.storage.io.Record;
import dev.golt.storage.io.RecordReader;
import dev.golt.storage.io.WritableFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatRoundTripTest {

    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static TreeMap<byte[], byte[]> sample(int n, long seed) {
        Random rnd = new Random(seed);
        TreeMap<byte[], byte[]> m = new TreeMap<>(java.util.Arrays::compareUnsigned);
        while (m.size() < n) {
            byte[] v = rnd.nextInt(7) == 0 ? null : new byte[rnd.nextInt(30)];
            if (v != null) {
                rnd.nextBytes(v);
            }
            m.put(b("k" + rnd.nextInt(n * 10) + (rnd.nextBoolean() ? "/x" : "")), v);
        }
        return m;
    }

    @Test
    void blockRoundTripsWithTombstonesAndSeeks() {
        TreeMap<byte[], byte[]> m = sample(500, 1);
        BlockBuilder builder = new BlockBuilder(16, 4096);
        m.forEach(builder::add);
        Block block = new Block(builder.finish());
        Block.Iter it = block.iterator();
        it.seekToFirst();
        List<byte[]> keys = new ArrayList<>(m.keySet());
        for (byte[] k : keys) {
            assertThat(it.valid()).isTrue();
            assertThat(it.key()).isEqualTo(k);
            assertThat(it.value()).isEqualTo(m.get(k));
            it.next();
        }
        assertThat(it.valid()).isFalse();
        for (byte[] k : keys) {
            it.seek(k);
            assertThat(it.key()).isEqualTo(k);
        }
        it.seek(b("k0"));
        assertThat(it.key()).isEqualTo(m.ceilingKey(b("k0")));
        it.seek(b("zzz"));
        assertThat(it.valid()).isFalse();
    }

    @Test
    void tableRoundTripsThroughFooterIndexFilterAndBlocks() throws Exception {
        TreeMap<byte[], byte[]> m = sample(3000, 2);
        Path path = dir.resolve("000001.sst");
        TableBuilder tb = writeTable(path, m);
        assertThat(tb.entries()).isEqualTo(3000);
        assertThat(tb.smallest()).isEqualTo(m.firstKey());
        assertThat(tb.largest()).isEqualTo(m.lastKey());
        try (Table t = Table.open(path, 1, new BlockCache(1 << 16))) {
            assertThat(t.entries()).isEqualTo(3000);
            for (var e : m.entrySet()) {
                byte[] got = t.get(e.getKey());
                if (e.getValue() == null) {
                    assertThat(got).isSameAs(Table.DELETED);
                } else {
                    assertThat(got).isEqualTo(e.getValue());
                }
            }
            assertThat(t.get(b("absent"))).isNull();
            KvIterator it = t.iterator();
            it.seekToFirst();
            int n = 0;
            for (var e : m.entrySet()) {
                assertThat(it.key()).isEqualTo(e.getKey());
                assertThat(it.value()).isEqualTo(e.getValue());
                it.next();
                n++;
            }
            assertThat(it.valid()).isFalse();
            assertThat(n).isEqualTo(3000);
        }
    }

    @Test
    void aCompactionsReadsStayOutOfTheBlockCacheWhileReadersFillIt() throws Exception {
        TreeMap<byte[], byte[]> newer = sample(3000, 2);
        TreeMap<byte[], byte[]> older = sample(3000, 3);
        writeTable(dir.resolve("000002.sst"), newer);
        writeTable(dir.resolve("000003.sst"), older);
        BlockCache cache = new BlockCache(1 << 20);
        try (Table t2 = Table.open(dir.resolve("000002.sst"), 2, cache);
                Table t3 = Table.open(dir.resolve("000003.sst"), 3, cache)) {
            FileMeta input = new FileMeta(2, 0, 3000, newer.firstKey(), newer.lastKey(), t2);
            FileMeta next = new FileMeta(3, 0, 3000, older.firstKey(), older.lastKey(), t3);
            TreeMap<byte[], byte[]> merged = new TreeMap<>(older);
            merged.putAll(newer);
            long afterOpen = cache.usedBytes();

            // Both paths a compaction reads through: its level-0 input and the next level's tables.
            assertThat(keys(new MergingIterator(new Compaction(0, List.of(input), List.of(next), false).iterators())))
                    .containsExactlyElementsOf(merged.keySet());
            assertThat(cache.usedBytes()).isEqualTo(afterOpen);

            assertThat(keys(new MergingIterator(List.of(t2.iterator(), new LevelIterator(List.of(next))))))
                    .containsExactlyElementsOf(merged.keySet());
            assertThat(cache.usedBytes()).isGreaterThan(afterOpen);
        }
    }

    private static List<byte[]> keys(KvIterator it) {
        List<byte[]> out = new ArrayList<>();
        for (it.seekToFirst(); it.valid(); it.next()) {
            out.add(it.key());
        }
        return out;
    }

    private static TableBuilder writeTable(Path path, TreeMap<byte[], byte[]> m) throws Exception {
        try (WritableFile f = FileIo.DEFAULT.create(path)) {
            TableBuilder tb = new TableBuilder(f, 256, 10);
            for (var e : m.entrySet()) {
                tb.add(e.getKey(), e.getValue());
            }
            tb.finish();
            f.sync();
            return tb;
        }
    }

    @Test
    void footerRoundTripsAndRejectsDamage() {
        Footer f = new Footer(1000, 200, 800, 150, 42);
        byte[] enc = f.encode();
        assertThat(enc).hasSize(Footer.SIZE);
        assertThat(Footer.decode(enc, 2000)).isEqualTo(f);
        for (int bit = 0; bit < enc.length * 8; bit++) {
            byte[] copy = enc.clone();
            copy[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(Footer.decode(copy, 2000)).as("bit %d", bit).isNull();
        }
        assertThat(Footer.decode(enc, 1100)).as("handles beyond the file").isNull();
    }

    @Test
    void bloomFilterHasNoFalseNegativesAndFewFalsePositives() {
        int n = 10_000;
        int[] hashes = new int[n];
        for (int i = 0; i < n; i++) {
            hashes[i] = BloomFilter.hash(b("key" + i));
        }
        byte[] filter = BloomFilter.build(hashes, n, 10);
        for (int i = 0; i < n; i++) {
            assertThat(BloomFilter.mayContain(filter, b("key" + i))).isTrue();
        }
        int fp = 0;
        for (int i = 0; i < n; i++) {
            if (BloomFilter.mayContain(filter, b("other" + i))) {
                fp++;
            }
        }
        assertThat(fp).isLessThan(n * 3 / 100);
    }

    @Test
    void recordRoundTripsAndStopsAtATornTail() throws Exception {
        Path path = dir.resolve("records");
        List<byte[]> payloads = List.of(b("one"), new byte[0], new byte[5000], b("last"));
        try (WritableFile f = FileIo.DEFAULT.create(path)) {
            byte type = 1;
            for (byte[] p : payloads) {
                f.append(ByteBuffer.wrap(Record.encode(type++, p)));
            }
        }
        try (RecordReader r = new RecordReader(path)) {
            for (int i = 0; i < payloads.size(); i++) {
                RecordReader.Entry e = r.next();
                assertThat(e.type()).isEqualTo((byte) (i + 1));
                assertThat(e.payload()).isEqualTo(payloads.get(i));
            }
            assertThat(r.next()).isNull();
            assertThat(r.stoppedOnDamage()).isFalse();
        }
        long size = Files.size(path);
        try (var ch = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 2);
        }
        try (RecordReader r = new RecordReader(path)) {
            int n = 0;
            while (r.next() != null) {
                n++;
            }
            assertThat(n).isEqualTo(3);
            assertThat(r.stoppedOnDamage()).isTrue();
            assertThat(r.validRecordAfterDamage()).isFalse();
        }
    }

    @Test
    void versionEditRoundTrips() {
        VersionEdit e = new VersionEdit();
        e.appliedIndex = 123456789L;
        e.nextFile = 77;
        e.added.add(new VersionEdit.Added(2, 15, 4096, 100, b("a"), b("zz")));
        e.added.add(new VersionEdit.Added(0, 16, 1, 1, new byte[0], new byte[] {(byte) 0xFF}));
        e.deleted.add(new VersionEdit.Deleted(1, 9));
        VersionEdit d = VersionEdit.decode(e.encode());
        assertThat(d.appliedIndex).isEqualTo(123456789L);
        assertThat(d.nextFile).isEqualTo(77);
        assertThat(d.added).hasSize(2);
        assertThat(d.added.get(0).level()).isEqualTo(2);
        assertThat(d.added.get(0).largest()).isEqualTo(b("zz"));
        assertThat(d.added.get(1).largest()).isEqualTo(new byte[] {(byte) 0xFF});
        assertThat(d.deleted).containsExactly(new VersionEdit.Deleted(1, 9));
        VersionEdit empty = VersionEdit.decode(new VersionEdit().encode());
        assertThat(empty.appliedIndex).isEqualTo(-1);
    }
}
