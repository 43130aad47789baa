package dev.golt.storage.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads {@link Record}s sequentially from a file. {@link #next()} stops at the first record that is
 * incomplete or fails its checksum; {@link #validEnd()} is then the offset after the last good
 * record and {@link #stoppedOnDamage()} tells whether bytes remained after it.
 */
public final class RecordReader implements AutoCloseable {

    public record Entry(byte type, byte[] payload, long offset) {}

    private final FileChannel channel;
    private final long size;
    private long position;
    private boolean damaged;
    private final byte[] header = new byte[Record.HEADER_BYTES];

    public RecordReader(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
    }

    /** The next valid record, or null at the end of the file or at the first damaged record. */
    public Entry next() throws IOException {
        if (damaged || position >= size) {
            return null;
        }
        if (size - position < Record.HEADER_BYTES) {
            damaged = true;
            return null;
        }
        readFully(ByteBuffer.wrap(header), position);
        int length = ByteBuffer.wrap(header).getInt(4);
        if (length < 0 || length > Record.MAX_PAYLOAD || length > size - position - Record.HEADER_BYTES) {
            damaged = true;
            return null;
        }
        byte[] payload = new byte[length];
        readFully(ByteBuffer.wrap(payload), position + Record.HEADER_BYTES);
        if (!Record.checksumMatches(header, payload, length)) {
            damaged = true;
            return null;
        }
        long offset = position;
        position += Record.HEADER_BYTES + length;
        return new Entry(header[8], payload, offset);
    }

    /** Offset just past the last valid record returned. */
    public long validEnd() {
        return position;
    }

    public boolean stoppedOnDamage() {
        return damaged;
    }

    /**
     * Whether any complete, checksum-valid record starts after the damaged one: if so the damage
     * is not a torn tail but corruption in the middle, and truncating would drop good records.
     */
    public boolean validRecordAfterDamage() throws IOException {
        for (long p = position + 1; p + Record.HEADER_BYTES <= size; p++) {
            readFully(ByteBuffer.wrap(header), p);
            int length = ByteBuffer.wrap(header).getInt(4);
            if (length < 0 || length > size - p - Record.HEADER_BYTES || length > Record.MAX_PAYLOAD) {
                continue;
            }
            byte[] payload = new byte[length];
            readFully(ByteBuffer.wrap(payload), p + Record.HEADER_BYTES);
            if (Record.checksumMatches(header, payload, length)) {
                return true;
            }
        }
        return false;
    }

    public long size() {
        return size;
    }

    private void readFully(ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
