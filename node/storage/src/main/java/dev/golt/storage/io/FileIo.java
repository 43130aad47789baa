package dev.golt.storage.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The mutating file operations of the engine, behind one interface so that tests can substitute a
 * fault-injecting implementation that loses unsynced data. Reads go straight to {@code FileChannel}.
 */
public interface FileIo {

    /** Creates (or truncates) {@code path} for writing. */
    WritableFile create(Path path) throws IOException;

    /** Opens an existing file for appending after truncating it to {@code length}. */
    WritableFile openForAppend(Path path, long length) throws IOException;

    /** Atomically replaces {@code to} by {@code from}. */
    void rename(Path from, Path to) throws IOException;

    void delete(Path path) throws IOException;

    /** Makes creations, renames and deletions in {@code dir} durable. */
    void syncDirectory(Path dir) throws IOException;

    FileIo DEFAULT = new NioFileIo();
}
