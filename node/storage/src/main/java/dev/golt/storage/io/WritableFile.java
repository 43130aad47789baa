package dev.golt.storage.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A file written sequentially: appended to, synced, closed. */
public interface WritableFile extends AutoCloseable {

    /** Appends all remaining bytes of {@code data}. */
    void append(ByteBuffer data) throws IOException;

    /** Makes every appended byte durable. */
    void sync() throws IOException;

    /** Bytes in the file (including unsynced ones). */
    long size() throws IOException;

    @Override
    void close() throws IOException;
}
