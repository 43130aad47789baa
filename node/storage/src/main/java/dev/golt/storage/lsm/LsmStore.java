package dev.golt.storage.lsm;

import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.KeyValueStore;
import dev.golt.storage.StorageException;
import dev.golt.storage.WriteBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The key-value state machine: an LSM tree of a memtable, immutable memtables being flushed, and
 * leveled SSTables.
 *
 * <p>Compaction is leveled (leveldb style) rather than tiered: a coordination store is read far
 * more than it is written and keeps a modest data set, so bounding read amplification (one table
 * per level below L0) and space amplification (about 1.1x, tombstones dropped at the bottom) is
 * worth the higher write amplification.
 *
 * <p>This class orchestrates: reads, writes, memtable switching, and when flushes and compactions
 * run. What to compact is {@link CompactionPicker}'s choice, table output is {@link TableWriter}'s,
 * and the layout of a checkpoint is {@link Checkpoint}'s.
 *
 * <p>Concurrency: one applier thread, any number of readers. A read-write lock makes each batch
 * atomic for readers and pins the files a reader uses; writers hold it only to insert into the
 * memtable or to install a new version, readers only for one get or one bounded scan. Flushes and
 * compactions run on one background thread each.
 */
public final class LsmStore implements KeyValueStore {

    private static final long MANIFEST_ROLL_BYTES = 4L << 20;

    private final Path dir;
    private final LsmOptions options;
    private final BlockCache cache;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicLong nextFile;
    private final ScheduledExecutorService flusher;
    private final ExecutorService compactor;
    private final AtomicBoolean compactionScheduled = new AtomicBoolean();
    private final CompactionPicker picker;
    private final TableWriter tableWriter;
    private final Object stall = new Object();
    private final byte[][] compactPointers = new byte[Version.MAX_LEVELS][];
    private final FileChannel lockChannel;
    private final FileLock fileLock;

    private Memtable mem;
    private volatile List<Memtable> imms = List.of(); // newest first
    private Version version;
    private Manifest manifest;
    private volatile long applied;
    private volatile long durableApplied;
    private volatile Throwable backgroundError;
    private boolean closed;

    private LsmStore(Path dir, LsmOptions options, FileChannel lockChannel, FileLock fileLock, long nextFile) {
        this.dir = dir;
        this.options = options;
        this.cache = new BlockCache(options.blockCacheBytes());
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
        this.nextFile = new AtomicLong(nextFile);
        this.picker = new CompactionPicker(options);
        this.tableWriter = new TableWriter(dir, options, cache, this.nextFile);
        // One thread: flushes run in the order memtables were switched out (checkpoints rely on it).
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "golt-lsm-flush"));
        if (options.memtableMaxAgeMillis() > 0) {
            long every = Math.max(options.memtableMaxAgeMillis() / 4, 10);
            flusher.scheduleWithFixedDelay(this::switchIfOld, every, every, TimeUnit.MILLISECONDS);
        }
        this.compactor = Executors.newSingleThreadExecutor(r -> daemon(r, "golt-lsm-compact"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Opens (or creates) the store in {@code dir}; a checkpoint directory is a valid store too. */
    public static LsmStore open(Path dir, LsmOptions options) {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(FileNames.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = lockChannel.tryLock();
            if (fileLock == null) {
                throw new StorageException("store " + dir + " is already open by another process");
            }
            Manifest.State state = Manifest.readCurrent(dir);
            if (state == null) {
                if (!ObsoleteFiles.tables(dir).isEmpty()) {
                    throw new CorruptionException("store " + dir + " has SSTables but no CURRENT file");
                }
                state = new Manifest.State();
            }
            LsmStore store = new LsmStore(dir, options, lockChannel, fileLock, state.nextFile);
            try {
                store.recover(state);
            } catch (IOException | RuntimeException e) {
                store.closeFiles();
                throw e;
            }
            return store;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new StorageException("cannot open LSM store in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private void recover(Manifest.State state) throws IOException {
        List<List<FileMeta>> levels = new ArrayList<>();
        for (int i = 0; i < Version.MAX_LEVELS; i++) {
            levels.add(new ArrayList<>());
        }
        Set<Long> live = new HashSet<>();
        for (VersionEdit.Added a : state.files.values()) {
            Path path = FileNames.table(dir, a.number());
            if (!Files.exists(path)) {
                throw new CorruptionException("manifest of " + dir + " lists missing table " + path.getFileName());
            }
            Table t = Table.open(path, a.number(), cache);
            levels.get(a.level()).add(new FileMeta(a.number(), a.size(), a.entries(), a.smallest(), a.largest(), t));
            live.add(a.number());
        }
        version = new Version(levels).apply(List.of(), List.of(), List.of()); // sorts each level
        applied = durableApplied = state.appliedIndex;
        mem = new Memtable();
        mem.setAppliedIndex(applied);
        rollManifest();
        ObsoleteFiles.delete(options.io(), dir, live, manifest.number());
        scheduleCompaction();
    }

    /** Starts a new manifest holding the whole current version (on open, and when the old one grew large). */
    private void rollManifest() throws IOException {
        Manifest old = manifest;
        long number = nextFile.getAndIncrement();
        VersionEdit snapshot = VersionEdit.snapshotOf(version, durableApplied, nextFile.get());
        manifest = Manifest.create(options.io(), options.fsync(), dir, number, snapshot);
        if (old != null) {
            old.close();
            options.io().delete(dir.resolve(FileNames.manifestName(old.number())));
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public byte[] get(byte[] key) {
        lock.readLock().lock();
        try {
            ensureOpen();
            byte[] v = mem.get(key);
            if (v != null) {
                return v == Memtable.TOMBSTONE ? null : v;
            }
            for (Memtable imm : imms) {
                v = imm.get(key);
                if (v != null) {
                    return v == Memtable.TOMBSTONE ? null : v;
                }
            }
            v = version.get(key);
            return v == Table.DELETED ? null : v;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<KeyValue> scan(byte[] prefix, byte[] after, int limit) {
        if (prefix == null) {
            prefix = new byte[0];
        }
        byte[] start = prefix;
        if (after != null && Coding.compare(after, prefix) >= 0) {
            start = java.util.Arrays.copyOf(after, after.length + 1); // smallest key after `after`
        }
        byte[] p = prefix;
        return collect(start, k -> Coding.startsWith(k, p), limit);
    }

    @Override
    public List<KeyValue> range(byte[] from, byte[] to, int limit) {
        return collect(from, k -> to == null || Coding.compare(k, to) < 0, limit);
    }

    private List<KeyValue> collect(byte[] start, java.util.function.Predicate<byte[]> inRange, int limit) {
        List<KeyValue> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            MergingIterator it = new MergingIterator(iterators(version));
            it.seek(start);
            while (it.valid() && out.size() < limit) {
                byte[] k = it.key();
                if (!inRange.test(k)) {
                    break;
                }
                byte[] v = it.value();
                if (v != null) {
                    out.add(new KeyValue(k, v));
                }
                it.next();
            }
        } catch (IllegalStateException e) {
            throw new CorruptionException("corrupt table data in " + dir + ": " + e.getMessage());
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    private List<KvIterator> iterators(Version v) {
        List<KvIterator> children = new ArrayList<>();
        children.add(mem.iterator());
        for (Memtable imm : imms) {
            children.add(imm.iterator());
        }
        for (FileMeta f : v.level(0)) {
            children.add(f.table().iterator());
        }
        for (int level = 1; level < Version.MAX_LEVELS; level++) {
            if (!v.level(level).isEmpty()) {
                children.add(new LevelIterator(v.level(level)));
            }
        }
        return children;
    }

    @Override
    public long durableAppliedIndex() {
        return durableApplied;
    }

    @Override
    public long appliedIndex() {
        return applied;
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void apply(WriteBatch batch, long appliedIndex) {
        if (appliedIndex < applied) {
            throw new IllegalArgumentException("applied index " + appliedIndex + " is below " + applied);
        }
        for (WriteBatch.Op op : batch.ops()) {
            if (op.key() == null) {
                throw new IllegalArgumentException("null key");
            }
        }
        waitForRoom();
        lock.writeLock().lock();
        try {
            ensureOpen();
            for (WriteBatch.Op op : batch.ops()) {
                mem.put(op.key(), op.value());
            }
            mem.setAppliedIndex(appliedIndex);
            applied = appliedIndex;
            if (mem.bytes() >= options.memtableBytes()) {
                switchMemtable();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Switches the memtable out and waits until it is flushed (tests, shutdown). */
    public void flush() {
        Future<?> done;
        lock.writeLock().lock();
        try {
            ensureOpen();
            done = switchMemtable();
        } finally {
            lock.writeLock().unlock();
        }
        await(done);
    }

    /** Waits until no compaction is needed or running (tests and benchmarks). */
    public void awaitCompactions() {
        while (true) {
            checkBackground();
            Future<?> f = compactor.submit(() -> { });
            await(f);
            if (!compactionScheduled.get() && pickCompaction() == null) {
                return;
            }
            scheduleCompaction();
        }
    }

    private void waitForRoom() {
        synchronized (stall) {
            while (imms.size() >= options.maxImmutableMemtables() && backgroundError == null && !closed) {
                try {
                    stall.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("interrupted waiting for a memtable flush");
                }
            }
        }
        checkBackground();
    }

    /**
     * Switches the memtable out once its first write is {@link LsmOptions#memtableMaxAgeMillis()}
     * old, unless flushes are already behind (writers then wait for room anyway).
     */
    private void switchIfOld() {
        lock.writeLock().lock();
        try {
            synchronized (stall) {
                if (closed || backgroundError != null || imms.size() >= options.maxImmutableMemtables()) {
                    return;
                }
            }
            if (!mem.isEmpty() && System.nanoTime() - mem.firstWriteNanos() >= TimeUnit.MILLISECONDS.toNanos(options.memtableMaxAgeMillis())) {
                switchMemtable();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Caller holds the write lock. */
    private Future<?> switchMemtable() {
        checkBackground();
        List<Memtable> next = new ArrayList<>(imms.size() + 1);
        next.add(mem);
        next.addAll(imms);
        imms = List.copyOf(next);
        mem = new Memtable();
        mem.setAppliedIndex(applied);
        return flusher.submit(this::flushOldest);
    }

    private void flushOldest() {
        try {
            Memtable imm;
            lock.readLock().lock();
            try {
                imm = imms.get(imms.size() - 1);
            } finally {
                lock.readLock().unlock();
            }
            List<FileMeta> outputs = List.of();
            if (!imm.isEmpty()) {
                KvIterator it = imm.iterator();
                it.seekToFirst();
                outputs = tableWriter.write(it, false, Long.MAX_VALUE);
            }
            VersionEdit edit = new VersionEdit();
            edit.appliedIndex = imm.appliedIndex();
            for (FileMeta f : outputs) {
                edit.added.add(VersionEdit.Added.of(0, f));
            }
            edit.nextFile = nextFile.get();
            List<FileMeta> flushed = outputs;
            commit(edit, () -> {
                version = version.apply(flushed, flushed.stream().map(f -> 0).toList(), List.of());
                imms = List.copyOf(imms.subList(0, imms.size() - 1));
                durableApplied = imm.appliedIndex();
            });
            synchronized (stall) {
                stall.notifyAll();
            }
            scheduleCompaction();
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * Logs {@code edit} durably, then installs it in memory. Both happen under one monitor so that
     * the manifest's order equals the in-memory order and a manifest roll sees every logged edit.
     */
    private synchronized void commit(VersionEdit edit, Runnable install) throws IOException {
        manifest.log(edit);
        lock.writeLock().lock();
        try {
            install.run();
        } finally {
            lock.writeLock().unlock();
        }
        if (manifest.size() > MANIFEST_ROLL_BYTES) {
            rollManifest();
        }
    }

    // ------------------------------------------------------------------ compaction

    private Version currentVersion() {
        lock.readLock().lock();
        try {
            return version;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void scheduleCompaction() {
        if (closed || backgroundError != null || !compactionScheduled.compareAndSet(false, true)) {
            return;
        }
        compactor.execute(() -> {
            try {
                while (!closed && compactOnce()) {
                    // keep going while some level is over its target
                }
            } catch (Throwable t) {
                fail(t);
            } finally {
                compactionScheduled.set(false);
            }
            if (!closed && backgroundError == null && pickCompaction() != null) {
                scheduleCompaction();
            }
        });
    }

    private Compaction pickCompaction() {
        return picker.pick(currentVersion(), compactPointers);
    }

    private boolean compactOnce() throws IOException {
        Compaction c = pickCompaction();
        if (c == null) {
            return false;
        }
        MergingIterator merged = new MergingIterator(c.iterators());
        merged.seekToFirst();
        List<FileMeta> outputs;
        try {
            outputs = tableWriter.write(merged, c.dropTombstones(), options.targetFileBytes());
        } catch (IllegalStateException e) {
            throw new CorruptionException("corrupt table data in " + dir + " during compaction: " + e.getMessage());
        }
        int outLevel = c.outputLevel();
        List<VersionEdit.Deleted> deleted = c.deletions();
        VersionEdit edit = new VersionEdit();
        edit.deleted.addAll(deleted);
        for (FileMeta f : outputs) {
            edit.added.add(VersionEdit.Added.of(outLevel, f));
        }
        edit.nextFile = nextFile.get();
        commit(edit, () -> version = version.apply(outputs, outputs.stream().map(f -> outLevel).toList(), deleted));
        if (c.level() > 0) {
            compactPointers[c.level()] = c.nextPointer();
        }
        // No reader can still use the inputs: readers hold the read lock for their whole read.
        for (FileMeta f : c.obsoleteTables()) {
            f.table().close();
            options.io().delete(FileNames.table(dir, f.number()));
        }
        return true;
    }

    // ------------------------------------------------------------------ checkpoints

    @Override
    public long checkpoint(Path target) {
        Checkpoint.createDirectory(target);
        Future<?> done;
        long index;
        lock.writeLock().lock();
        try {
            ensureOpen();
            index = applied;
            switchMemtable();
            // The flusher runs tasks in order: when this one runs, exactly the memtables up to the
            // switched one are in the tables, so the version is the state at `index`.
            done = flusher.submit(() -> {
                writeCheckpoint(target, index);
                return null;
            });
        } finally {
            lock.writeLock().unlock();
        }
        await(done);
        return index;
    }

    private void writeCheckpoint(Path target, long index) throws IOException {
        checkBackground();
        Version v;
        lock.readLock().lock();
        try {
            v = version;
            // Linking under the read lock: compaction cannot delete these files meanwhile.
            Checkpoint.linkTables(v, dir, target);
        } finally {
            lock.readLock().unlock();
        }
        long number = nextFile.getAndIncrement();
        Checkpoint.seal(options, target, number, VersionEdit.snapshotOf(v, index, nextFile.get()), index);
    }

    /** The applied index recorded in a checkpoint directory written by {@link #checkpoint}. */
    public static long checkpointIndex(Path dir) {
        return Checkpoint.index(dir);
    }

    /** Every file of a checkpoint directory, sorted by name, for streaming to another node. */
    public static List<Path> checkpointFiles(Path dir) {
        return Checkpoint.files(dir);
    }

    // ------------------------------------------------------------------ lifecycle

    /** Heap held by memtables, cached blocks and table metadata (for metrics and tests). */
    public long memoryUsage() {
        lock.readLock().lock();
        try {
            long sum = mem.bytes() + cache.usedBytes();
            for (Memtable imm : imms) {
                sum += imm.bytes();
            }
            for (FileMeta f : version.all()) {
                sum += f.table().metadataBytes();
            }
            return sum;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of tables per level (metrics and tests). */
    public int[] tablesPerLevel() {
        Version v = currentVersion();
        int[] out = new int[Version.MAX_LEVELS];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.level(i).size();
        }
        return out;
    }

    /** Flushes the memtable so that a restart needs no WAL replay, then releases every file. */
    @Override
    public void close() {
        synchronized (stall) {
            if (closed) {
                return;
            }
        }
        try {
            if (backgroundError == null && !mem.isEmpty()) {
                flush();
            }
        } finally {
            synchronized (stall) {
                closed = true;
                stall.notifyAll();
            }
            flusher.shutdown();
            compactor.shutdown();
            try {
                flusher.awaitTermination(1, TimeUnit.MINUTES);
                compactor.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeFiles();
        }
    }

    private void closeFiles() {
        if (version != null) {
            for (FileMeta f : version.all()) {
                f.table().close();
            }
        }
        if (manifest != null) {
            try {
                manifest.close();
            } catch (IOException ignored) {
                // every edit was synced when it was logged
            }
        }
        try {
            fileLock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store " + dir + " is closed");
        }
    }

    private void fail(Throwable t) {
        if (backgroundError == null) {
            backgroundError = t;
        }
        synchronized (stall) {
            stall.notifyAll();
        }
    }

    private void checkBackground() {
        Throwable t = backgroundError;
        if (t != null) {
            if (t instanceof CorruptionException c) {
                throw new CorruptionException(c.getMessage());
            }
            throw new StorageException("background flush or compaction failed in " + dir + ": " + t, t);
        }
    }

    private void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException("background work failed in " + dir + ": " + cause, cause);
        }
        checkBackground();
    }
}
