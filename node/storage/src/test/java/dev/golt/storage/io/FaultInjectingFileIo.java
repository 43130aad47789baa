package dev.golt.storage.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A {@link FileIo} that "loses power" at a chosen write or fsync boundary: from then on every
 * operation fails, and {@link #powerLoss} cuts every file back to its last synced length plus a
 * random prefix of the unsynced bytes (a torn write). Creations, renames and deletions are
 * treated as durable when they return (the engine syncs directories right after them).
 */
public final class FaultInjectingFileIo implements FileIo {

    /** Thrown at and after the crash point. */
    public static final class Crash extends IOException {
        Crash() {
            super("simulated power loss");
        }
    }

    private final FileIo real = new NioFileIo();
    private final long crashAt;
    private long operations;
    private boolean crashed;
    private final Map<Path, Long> synced = new LinkedHashMap<>();

    /** @param crashAt the 1-based write/sync operation that fails; Long.MAX_VALUE never crashes */
    public FaultInjectingFileIo(long crashAt) {
        this.crashAt = crashAt;
    }

    public synchronized long operations() {
        return operations;
    }

    public synchronized boolean crashed() {
        return crashed;
    }

    private synchronized void step() throws Crash {
        if (crashed) {
            throw new Crash();
        }
        operations++;
        if (operations >= crashAt) {
            crashed = true;
            throw new Crash();
        }
    }

    @Override
    public WritableFile create(Path path) throws IOException {
        step();
        WritableFile f = real.create(path);
        synchronized (this) {
            synced.put(path, 0L);
        }
        return wrap(path, f);
    }

    @Override
    public WritableFile openForAppend(Path path, long length) throws IOException {
        step();
        WritableFile f = real.openForAppend(path, length);
        synchronized (this) {
            synced.put(path, length);
        }
        return wrap(path, f);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        step();
        real.rename(from, to);
        synchronized (this) {
            Long s = synced.remove(from);
            synced.put(to, s == null ? Files.size(to) : s);
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        step();
        real.delete(path);
        synchronized (this) {
            synced.remove(path);
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        step();
    }

    private WritableFile wrap(Path path, WritableFile f) {
        return new WritableFile() {
            @Override
            public void append(ByteBuffer data) throws IOException {
                step();
                f.append(data);
            }

            @Override
            public void sync() throws IOException {
                step();
                // No real fsync: durability is what this class simulates, and fsyncs only slow tests.
                synchronized (FaultInjectingFileIo.this) {
                    if (synced.containsKey(path)) {
                        synced.put(path, f.size());
                    }
                }
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    /** Cuts every written file to its synced length plus a random part of what followed. */
    public synchronized void powerLoss(Random rnd) throws IOException {
        crashed = true;
        for (Map.Entry<Path, Long> e : synced.entrySet()) {
            Path p = e.getKey();
            if (!Files.exists(p)) {
                continue;
            }
            long size = Files.size(p);
            long keep = e.getValue();
            if (size > keep) {
                keep += (long) (rnd.nextDouble() * (size - keep + 1));
                keep = Math.min(keep, size);
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
        }
    }
}
