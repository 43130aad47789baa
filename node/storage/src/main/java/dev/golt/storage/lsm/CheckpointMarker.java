package dev.golt.storage.lsm;

import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.io.AtomicFile;
import dev.golt.storage.io.FileIo;
import dev.golt.storage.io.Record;
import dev.golt.storage.io.RecordReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The {@code CHECKPOINT} file that completes a checkpoint directory and names the applied index
 * its tables hold. Its presence is the checkpoint's commit point, so it is written last and
 * renamed into place, as leveldb switches {@code CURRENT}.
 *
 * <pre>
 * CHECKPOINT: one {@link Record}
 *   type    0x43 ('C')  MARKER
 *   payload index u64, big-endian: the last Raft index whose effects the checkpoint holds
 * </pre>
 *
 * <p>Compatibility: markers written before this type existed carry type 1 (the manifest's EDIT
 * type, reused) with the same 8-byte payload. Such markers exist on disk wherever a checkpoint
 * was kept (snapshot directories, stores installed from a snapshot), so they are still accepted.
 * The payload is unchanged on purpose: older readers checked only its length, so they also read
 * new markers, which matters while a cluster is upgraded and snapshots cross versions.
 */
final class CheckpointMarker {
    static final byte MARKER = 0x43;
    static final byte LEGACY_MARKER = Manifest.EDIT;
    private static final int PAYLOAD_BYTES = 8;

    private CheckpointMarker() {}

    static byte[] encode(long index) {
        return Record.encode(MARKER, ByteBuffer.allocate(PAYLOAD_BYTES).putLong(index).array());
    }

    /** Writes the marker for {@code index} into {@code dir}, atomically: readers see all of it or none. */
    static void write(FileIo io, FsyncPolicy fsync, Path dir, long index) throws IOException {
        AtomicFile.write(io, fsync, dir, FileNames.CHECKPOINT_TMP, FileNames.CHECKPOINT, encode(index));
    }

    /** The index recorded in {@code dir}'s marker. */
    static long read(Path dir) {
        Path file = dir.resolve(FileNames.CHECKPOINT);
        try (RecordReader r = new RecordReader(file)) {
            RecordReader.Entry e = r.next();
            if (e == null || e.payload().length != PAYLOAD_BYTES) {
                throw new CorruptionException(file, 0, "not a valid checkpoint marker");
            }
            if (e.type() != MARKER && e.type() != LEGACY_MARKER) {
                throw new CorruptionException(file, 0, "unknown checkpoint marker type " + e.type());
            }
            return ByteBuffer.wrap(e.payload()).getLong();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
