package dev.golt.storage.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.StorageException;
import dev.golt.storage.io.Record;
import dev.golt.storage.io.RecordReader;
import dev.golt.storage.io.WritableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Raft log on disk: a directory of append-only segments of {@link WalRecord}s.
 *
 * <p>Writes are buffered in memory and written plus fsynced by {@link #sync()} (group commit).
 * Recovery replays every segment; a damaged tail of the last segment (a write torn by a crash) is
 * truncated, damage anywhere else refuses to open with a {@link CorruptionException}, because
 * dropping those records could lose committed entries.
 *
 * <p>The WAL stores entries, it does not interpret them: membership is the snapshot's
 * {@code ConfState} ({@link #snapshotMetadata()}), and the Raft core replays the conf-change entries
 * after it at start-up, as etcd-raft's {@code Storage.InitialState} and etcd's WAL divide the work.
 * That keeps one set of membership rules (the core's) and keeps this module free of the core: the
 * method names follow the core's {@code RaftLogStore} so that node/server's adapter only delegates.
 *
 * <p>Threading: one writer thread; {@code entries}/{@code term} from that thread too. Methods are
 * synchronized anyway so that status readers on other threads see consistent indexes.
 */
public final class SegmentedWal implements AutoCloseable {

    private record Segment(long seq, Path path, long[] maxIndex) {}

    private final Path dir;
    private final WalOptions options;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Map<Long, FileChannel> readers = new HashMap<>();
    private final LogIndex log = new LogIndex();

    private HardState hardState = HardState.getDefaultInstance();
    private SnapshotMetadata snapshot = SnapshotMetadata.getDefaultInstance();

    private WritableFile active;
    private Segment activeSegment;
    private long activeWritten; // bytes in the active file
    private ByteBuffer pending = ByteBuffer.allocate(64 << 10);
    private boolean closed;

    private SegmentedWal(Path dir, WalOptions options) {
        this.dir = dir;
        this.options = options;
    }

    public static SegmentedWal open(Path dir, WalOptions options) {
        SegmentedWal wal = new SegmentedWal(dir, options);
        try {
            Files.createDirectories(dir);
            wal.recover();
            wal.startSegment();
            wal.sync();
        } catch (IOException e) {
            wal.closeQuietly();
            throw new StorageException("cannot open WAL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            wal.closeQuietly();
            throw e;
        }
        return wal;
    }

    // ---------------------------------------------------------------- recovery

    private void recover() throws IOException {
        List<Long> seqs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                OptionalLong seq = FileNames.parseWalSegment(p.getFileName().toString());
                if (seq.isPresent()) {
                    seqs.add(seq.getAsLong());
                }
            });
        }
        seqs.sort(null);
        long gapBelow = -1; // entries at or below this index are missing until a COMPACT/RESET covers them
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            boolean last = i == seqs.size() - 1;
            Segment seg = new Segment(seq, FileNames.walSegment(dir, seq), new long[] {0});
            segments.put(seq, seg);
            try (RecordReader reader = new RecordReader(seg.path())) {
                RecordReader.Entry r;
                while ((r = reader.next()) != null) {
                    gapBelow = replay(seg, r, gapBelow);
                }
                if (reader.stoppedOnDamage()) {
                    if (!last) {
                        throw new CorruptionException(seg.path(), reader.validEnd(),
                                "damaged record in a WAL segment that is not the last; refusing to drop possibly committed entries");
                    }
                    if (reader.validRecordAfterDamage()) {
                        throw new CorruptionException(seg.path(), reader.validEnd(),
                                "damaged record followed by valid records; refusing to drop possibly committed entries");
                    }
                    try (WritableFile f = options.io().openForAppend(seg.path(), reader.validEnd())) {
                        f.sync();
                    }
                }
            }
        }
        if (gapBelow >= 0) {
            throw new CorruptionException("WAL in " + dir + " is missing entries at or below " + gapBelow
                    + " (segments deleted without a covering compaction record)");
        }
    }

    private long replay(Segment seg, RecordReader.Entry r, long gapBelow) throws IOException {
        switch (r.type()) {
            case WalRecord.ENTRY -> {
                Entry e = parseEntry(r.payload(), seg.path(), r.offset());
                long idx = e.getIndex();
                if (idx < log.first) {
                    return gapBelow; // compacted away by an earlier record
                }
                if (idx > log.last() + 1) {
                    // Earlier segments were deleted; a later COMPACT record must cover the hole.
                    gapBelow = idx - 1;
                    log.reset(idx, 0);
                } else if (idx <= log.last()) {
                    log.truncateFrom(idx);
                }
                addEntry(e, WalLocation.encode(seg.seq(), r.offset()), r.payload().length, seg);
            }
            case WalRecord.CLOSED -> { /* clean shutdown marker */ }
            case WalRecord.HARD_STATE -> hardState = HardState.parseFrom(r.payload());
            case WalRecord.SNAPSHOT -> snapshot = SnapshotMetadata.parseFrom(r.payload());
            case WalRecord.COMPACT, WalRecord.RESET -> {
                ByteBuffer b = ByteBuffer.wrap(r.payload());
                if (r.payload().length != 16) {
                    throw new CorruptionException(seg.path(), r.offset(), "bad mark record length");
                }
                long index = b.getLong();
                long term = b.getLong();
                if (r.type() == WalRecord.RESET || index >= log.last()) {
                    log.reset(index + 1, term);
                } else if (index >= log.first) {
                    log.dropPrefix(index, term);
                } else if (index == log.first - 1) {
                    log.prevTerm = term; // restates the boundary, e.g. after a gap left by deleted segments
                }
                if (index >= gapBelow) {
                    gapBelow = -1;
                }
            }
            default -> throw new CorruptionException(seg.path(), r.offset(), "unknown WAL record type " + r.type());
        }
        return gapBelow;
    }

    private static Entry parseEntry(byte[] payload, Path file, long offset) {
        try {
            return Entry.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptionException(file, offset, "entry does not parse: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- reading the log

    /** The hard state last written ({@link HardState#getDefaultInstance()} before the first). */
    public synchronized HardState hardState() {
        return hardState;
    }

    /**
     * Entries in {@code [lo, hi)}: at least one if the range is non-empty, then as many as fit in
     * {@code maxBytes} of serialized size.
     *
     * @throws CompactedException if {@code lo < firstIndex()}
     * @throws IndexOutOfBoundsException if {@code hi > lastIndex() + 1}
     */
    public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        ensureOpen();
        if (lo < log.first) {
            throw new CompactedException(lo, log.first);
        }
        if (hi > log.last() + 1) {
            throw new IndexOutOfBoundsException("hi " + hi + " > lastIndex + 1 = " + (log.last() + 1));
        }
        List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = log.cached(i);
            if (e == null) {
                e = readFromDisk(i);
            }
            bytes += e.getSerializedSize();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /**
     * Term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()}: the
     * compaction boundary's term stays answerable.
     *
     * @throws CompactedException if {@code index < firstIndex() - 1}
     */
    public synchronized long term(long index) {
        if (index < log.first - 1) {
            throw new CompactedException(index, log.first);
        }
        if (index > log.last()) {
            throw new IndexOutOfBoundsException("index " + index + " > lastIndex " + log.last());
        }
        return index == log.first - 1 ? log.prevTerm : log.term(index);
    }

    public synchronized long firstIndex() {
        return log.first;
    }

    public synchronized long lastIndex() {
        return log.last();
    }

    /** The latest snapshot's metadata, its {@code ConfState} included (index 0 when there is none). */
    public synchronized SnapshotMetadata snapshotMetadata() {
        return snapshot;
    }

    // ---------------------------------------------------------------- writing the log

    /**
     * Appends entries; the first one's index must be in {@code [firstIndex(), lastIndex() + 1]} and any
     * existing entries from it on are replaced (a conflicting suffix is truncated).
     */
    public synchronized void append(List<Entry> entries) {
        ensureOpen();
        if (entries.isEmpty()) {
            return;
        }
        long start = entries.get(0).getIndex();
        if (start < log.first || start > log.last() + 1) {
            throw new IllegalArgumentException("append at " + start + " outside [" + log.first + ", " + (log.last() + 1) + "]");
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).getIndex() != start + i) {
                throw new IllegalArgumentException("entries are not contiguous at position " + i);
            }
        }
        if (start <= log.last()) {
            log.truncateFrom(start);
        }
        for (Entry e : entries) {
            maybeRoll();
            byte[] payload = e.toByteArray();
            long offset = activeWritten + pending.position();
            writeRecord(WalRecord.ENTRY, payload);
            addEntry(e, WalLocation.encode(activeSegment.seq(), offset), payload.length, activeSegment);
        }
    }

    public synchronized void setHardState(HardState hs) {
        ensureOpen();
        hardState = hs;
        writeRecord(WalRecord.HARD_STATE, hs.toByteArray());
    }

    /** Writes and (with {@link FsyncPolicy#ALWAYS}) fsyncs everything buffered: the durability point. */
    public synchronized void sync() {
        ensureOpen();
        try {
            flushPending();
            if (options.fsync() == FsyncPolicy.ALWAYS) {
                active.sync();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("WAL sync failed in " + dir, e);
        }
    }

    /** Installs a snapshot received from the leader: the whole log is discarded and restarts after it. */
    public synchronized void applySnapshot(SnapshotMetadata metadata) {
        ensureOpen();
        if (metadata.getIndex() < snapshot.getIndex()) {
            throw new IllegalArgumentException("snapshot " + metadata.getIndex() + " is older than " + snapshot.getIndex());
        }
        snapshot = metadata;
        log.reset(metadata.getIndex() + 1, metadata.getTerm());
        writeRecord(WalRecord.SNAPSHOT, metadata.toByteArray());
        writeRecord(WalRecord.RESET, WalRecord.mark(metadata.getIndex(), metadata.getTerm()));
        // A fresh segment makes every older one obsolete once it is durable.
        startSegment();
        sync();
        deleteSegmentsBefore(activeSegment.seq());
    }

    /** Records a snapshot of the state machine at an index still in the log, dropping nothing yet. */
    public synchronized void createSnapshot(SnapshotMetadata metadata) {
        ensureOpen();
        if (metadata.getIndex() < snapshot.getIndex() || metadata.getIndex() > log.last()) {
            throw new IllegalArgumentException("snapshot index " + metadata.getIndex() + " outside ["
                    + snapshot.getIndex() + ", " + log.last() + "]");
        }
        snapshot = metadata;
        writeRecord(WalRecord.SNAPSHOT, metadata.toByteArray());
    }

    /** Drops entries at or below {@code upTo}, which must not pass the snapshot; its term stays answerable. */
    public synchronized void compact(long upTo) {
        ensureOpen();
        if (upTo > snapshot.getIndex()) {
            throw new IllegalArgumentException("cannot compact to " + upTo + " beyond snapshot " + snapshot.getIndex());
        }
        if (upTo < log.first) {
            return;
        }
        long term = term(upTo);
        log.dropPrefix(upTo, term);
        writeRecord(WalRecord.COMPACT, WalRecord.mark(upTo, term));
        // The mark must be durable before the segments it makes obsolete disappear.
        sync();
        List<Long> obsolete = new ArrayList<>();
        for (Segment s : segments.values()) {
            if (s == activeSegment || s.maxIndex()[0] > upTo) {
                break;
            }
            obsolete.add(s.seq());
        }
        if (!obsolete.isEmpty()) {
            deleteSegmentsBefore(obsolete.get(obsolete.size() - 1) + 1);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            // A clean-shutdown marker: damage to any record before it can no longer pass for a torn tail.
            writeRecord(WalRecord.CLOSED, new byte[0]);
            sync();
        } finally {
            closeQuietly();
        }
    }

    /** Number of segment files (for tests and metrics). */
    public synchronized int segmentCount() {
        return segments.size();
    }

    // ---------------------------------------------------------------- internals

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("WAL is closed");
        }
    }

    private void addEntry(Entry e, long location, int size, Segment seg) {
        log.add(e.getTerm(), location, e, size);
        log.trimCache(options.cacheBytes());
        seg.maxIndex()[0] = Math.max(seg.maxIndex()[0], e.getIndex());
    }

    private Entry readFromDisk(long index) {
        long loc = log.location(index);
        long seq = WalLocation.segment(loc);
        long offset = WalLocation.offset(loc);
        try {
            if (seq == activeSegment.seq()) {
                flushPending();
            }
            FileChannel ch = readers.get(seq);
            if (ch == null) {
                ch = FileChannel.open(FileNames.walSegment(dir, seq), StandardOpenOption.READ);
                readers.put(seq, ch);
            }
            ByteBuffer header = ByteBuffer.allocate(Record.HEADER_BYTES);
            readFully(ch, header, offset);
            int length = header.getInt(4);
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(ch, payload, offset + Record.HEADER_BYTES);
            byte[] expected = Record.encode(WalRecord.ENTRY, payload.array());
            if (ByteBuffer.wrap(expected).getInt(0) != header.getInt(0)) {
                throw new CorruptionException(FileNames.walSegment(dir, seq), offset, "checksum mismatch reading entry " + index);
            }
            Entry e = parseEntry(payload.array(), FileNames.walSegment(dir, seq), offset);
            if (e.getIndex() != index) {
                // A valid record, but not this one: the location is wrong, and serving it would be silent corruption.
                throw new CorruptionException(FileNames.walSegment(dir, seq), offset,
                        "holds entry " + e.getIndex() + " where entry " + index + " was recorded");
            }
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read entry " + index + " from WAL", e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
                throw new IOException("unexpected end of WAL segment");
            }
        }
    }

    private void writeRecord(byte type, byte[] payload) {
        int need = Record.encodedSize(payload.length);
        if (pending.remaining() < need) {
            if (pending.position() > 0 && pending.capacity() >= (1 << 20)) {
                try {
                    flushPending();
                } catch (IOException e) {
                    throw new UncheckedIOException("WAL write failed in " + dir, e);
                }
            }
            if (pending.remaining() < need) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + need));
                pending.flip();
                bigger.put(pending);
                pending = bigger;
            }
        }
        Record.encode(pending, type, payload);
    }

    private void flushPending() throws IOException {
        if (pending.position() == 0) {
            return;
        }
        pending.flip();
        int n = pending.remaining();
        active.append(pending);
        activeWritten += n;
        pending.clear();
    }

    private void maybeRoll() {
        if (activeWritten + pending.position() >= options.segmentBytes()) {
            startSegment();
        }
    }

    /** Closes the active segment (durably) and starts a new one that restates the log's state. */
    private void startSegment() {
        long seq = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        // Checked before the active segment is closed, so the WAL stays readable and syncable.
        WalLocation.checkSegment(seq);
        try {
            if (active != null) {
                flushPending();
                if (options.fsync() == FsyncPolicy.ALWAYS) {
                    active.sync();
                }
                active.close();
            }
            Path path = FileNames.walSegment(dir, seq);
            active = options.io().create(path);
            activeWritten = 0;
            options.io().syncDirectory(dir);
            activeSegment = new Segment(seq, path, new long[] {0});
            segments.put(seq, activeSegment);
            writeRecord(WalRecord.HARD_STATE, hardState.toByteArray());
            writeRecord(WalRecord.SNAPSHOT, snapshot.toByteArray());
            writeRecord(WalRecord.COMPACT, WalRecord.mark(log.first - 1, log.prevTerm));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a WAL segment in " + dir, e);
        }
    }

    private void deleteSegmentsBefore(long seq) {
        try {
            Iterator<Segment> it = segments.headMap(seq, false).values().iterator();
            while (it.hasNext()) {
                Segment s = it.next();
                FileChannel ch = readers.remove(s.seq());
                if (ch != null) {
                    ch.close();
                }
                options.io().delete(s.path());
                it.remove();
            }
            options.io().syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete obsolete WAL segments in " + dir, e);
        }
    }

    private void closeQuietly() {
        closed = true;
        for (FileChannel ch : readers.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a read channel cannot lose data
            }
        }
        readers.clear();
        if (active != null) {
            try {
                active.close();
            } catch (IOException ignored) {
                // everything acknowledged was synced before
            }
        }
    }

    /**
     * Per-entry term and file location ({@link WalLocation}) for {@code first..last}, plus the newest entries themselves
     * (bounded by bytes) so that replication reads rarely touch disk.
     */
    private static final class LogIndex {
        long first = 1;
        long prevTerm;
        private int size;
        private long[] terms = new long[1024];
        private long[] locations = new long[1024];
        private Entry[] entries = new Entry[1024];
        private int[] sizes = new int[1024];
        private int cacheFrom; // position of the oldest cached entry
        private long cachedBytes;

        long last() {
            return first + size - 1;
        }

        long term(long index) {
            return terms[(int) (index - first)];
        }

        long location(long index) {
            return locations[(int) (index - first)];
        }

        Entry cached(long index) {
            return entries[(int) (index - first)];
        }

        void add(long term, long location, Entry e, int bytes) {
            if (size == terms.length) {
                int cap = size * 2;
                terms = java.util.Arrays.copyOf(terms, cap);
                locations = java.util.Arrays.copyOf(locations, cap);
                entries = java.util.Arrays.copyOf(entries, cap);
                sizes = java.util.Arrays.copyOf(sizes, cap);
            }
            terms[size] = term;
            locations[size] = location;
            entries[size] = e;
            sizes[size] = bytes;
            cachedBytes += bytes;
            size++;
        }

        void trimCache(long limit) {
            while (cachedBytes > limit && cacheFrom < size) {
                if (entries[cacheFrom] != null) {
                    cachedBytes -= sizes[cacheFrom];
                    entries[cacheFrom] = null;
                }
                cacheFrom++;
            }
        }

        void truncateFrom(long index) {
            int keep = (int) (index - first);
            for (int i = keep; i < size; i++) {
                if (entries[i] != null) {
                    cachedBytes -= sizes[i];
                    entries[i] = null;
                }
            }
            size = keep;
            cacheFrom = Math.min(cacheFrom, size);
        }

        void dropPrefix(long upTo, long term) {
            int drop = (int) (upTo - first + 1);
            for (int i = 0; i < drop; i++) {
                if (entries[i] != null) {
                    cachedBytes -= sizes[i];
                }
            }
            int remain = size - drop;
            System.arraycopy(terms, drop, terms, 0, remain);
            System.arraycopy(locations, drop, locations, 0, remain);
            System.arraycopy(entries, drop, entries, 0, remain);
            System.arraycopy(sizes, drop, sizes, 0, remain);
            java.util.Arrays.fill(entries, remain, size, null);
            size = remain;
            cacheFrom = Math.max(0, cacheFrom - drop);
            first = upTo + 1;
            prevTerm = term;
        }

        void reset(long newFirst, long term) {
            java.util.Arrays.fill(entries, 0, size, null);
            size = 0;
            cacheFrom = 0;
            cachedBytes = 0;
            first = newFirst;
            prevTerm = term;
        }
    }
}
