package dev.golt.storage.io;

import dev.golt.storage.FsyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Replaces a small file so that a crash leaves either the old or the new contents, never a mix:
 * leveldb's {@code SetCurrentFile} recipe (write a temporary, fsync it, rename it over the target,
 * fsync the directory so the rename itself survives). Used for {@code CURRENT} and {@code CHECKPOINT}.
 */
public final class AtomicFile {

    private AtomicFile() {}

    public static void write(FileIo io, FsyncPolicy fsync, Path dir, String tmpName, String name, byte[] contents)
            throws IOException {
        Path tmp = dir.resolve(tmpName);
        try (WritableFile f = io.create(tmp)) {
            f.append(ByteBuffer.wrap(contents));
            if (fsync == FsyncPolicy.ALWAYS) {
                f.sync();
            }
        }
        io.rename(tmp, dir.resolve(name));
        if (fsync == FsyncPolicy.ALWAYS) {
            io.syncDirectory(dir);
        }
    }
}
