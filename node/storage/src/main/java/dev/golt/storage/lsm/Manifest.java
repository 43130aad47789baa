package dev.golt.storage.lsm;

import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.io.AtomicFile;
import dev.golt.storage.io.FileIo;
import dev.golt.storage.io.Record;
import dev.golt.storage.io.RecordReader;
import dev.golt.storage.io.WritableFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The log of {@link VersionEdit}s ({@code MANIFEST-n}), one {@link Record} of type 1 each, the
 * first being a full snapshot of the version. {@code CURRENT} holds the live manifest's name plus
 * a newline and is switched atomically (write {@code CURRENT.tmp}, fsync, rename, fsync dir).
 */
final class Manifest implements AutoCloseable {
    static final byte EDIT = 1;

    /** The state a manifest describes. */
    static final class State {
        long appliedIndex;
        long nextFile = 1;
        final Map<Long, VersionEdit.Added> files = new LinkedHashMap<>();

        void apply(VersionEdit e) {
            if (e.appliedIndex >= 0) {
                appliedIndex = e.appliedIndex;
            }
            if (e.nextFile >= 0) {
                nextFile = Math.max(nextFile, e.nextFile);
            }
            for (VersionEdit.Deleted d : e.deleted) {
                files.remove(d.number());
            }
            for (VersionEdit.Added a : e.added) {
                files.put(a.number(), a);
                nextFile = Math.max(nextFile, a.number() + 1);
            }
        }
    }

    private final FileIo io;
    private final FsyncPolicy fsync;
    private final WritableFile file;
    private final long number;

    private Manifest(FileIo io, FsyncPolicy fsync, WritableFile file, long number) {
        this.io = io;
        this.fsync = fsync;
        this.file = file;
        this.number = number;
    }

    long number() {
        return number;
    }

    /** Reads the manifest CURRENT points to; null when the directory has no CURRENT. */
    static State readCurrent(Path dir) throws IOException {
        Path current = dir.resolve(FileNames.CURRENT);
        if (!Files.exists(current)) {
            return null;
        }
        String content = Files.readString(current, StandardCharsets.UTF_8);
        OptionalLong n = content.endsWith("\n") ? FileNames.parseManifest(content.substring(0, content.length() - 1)) : OptionalLong.empty();
        if (n.isEmpty()) {
            throw new CorruptionException(current, 0, "CURRENT does not name a manifest");
        }
        Path manifest = dir.resolve(FileNames.manifestName(n.getAsLong()));
        if (!Files.exists(manifest)) {
            throw new CorruptionException("CURRENT names " + manifest + " which does not exist");
        }
        State state = new State();
        state.nextFile = n.getAsLong() + 1;
        boolean any = false;
        try (RecordReader reader = new RecordReader(manifest)) {
            RecordReader.Entry r;
            while ((r = reader.next()) != null) {
                if (r.type() != EDIT) {
                    throw new CorruptionException(manifest, r.offset(), "unknown manifest record type " + r.type());
                }
                try {
                    state.apply(VersionEdit.decode(r.payload()));
                } catch (IllegalStateException e) {
                    throw new CorruptionException(manifest, r.offset(), "bad version edit: " + e.getMessage());
                }
                any = true;
            }
            // A torn last edit was never acknowledged (edits are synced one by one); damage with valid
            // records after it, or no valid snapshot at all, is corruption.
            if (reader.stoppedOnDamage() && (reader.validRecordAfterDamage() || !any)) {
                throw new CorruptionException(manifest, reader.validEnd(), "damaged manifest record");
            }
        }
        return state;
    }

    /** Writes a new manifest holding {@code snapshot} and makes it current. */
    static Manifest create(FileIo io, FsyncPolicy fsync, Path dir, long number, VersionEdit snapshot) throws IOException {
        Path path = dir.resolve(FileNames.manifestName(number));
        WritableFile f = io.create(path);
        Manifest m = new Manifest(io, fsync, f, number);
        try {
            m.log(snapshot);
            setCurrent(io, fsync, dir, FileNames.manifestName(number));
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return m;
    }

    static void setCurrent(FileIo io, FsyncPolicy fsync, Path dir, String manifestName) throws IOException {
        byte[] contents = (manifestName + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(io, fsync, dir, FileNames.CURRENT_TMP, FileNames.CURRENT, contents);
    }

    /** Appends {@code edit} durably. */
    synchronized void log(VersionEdit edit) throws IOException {
        file.append(ByteBuffer.wrap(Record.encode(EDIT, edit.encode())));
        if (fsync == FsyncPolicy.ALWAYS) {
            file.sync();
        }
    }

    synchronized long size() throws IOException {
        return file.size();
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
