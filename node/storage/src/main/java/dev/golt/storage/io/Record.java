package dev.golt.storage.io;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing shared by WAL segments and manifests: one checksummed record.
 *
 * <pre>
 * +-------------+-------------+---------+------------------+
 * | crc32c (4)  | length (4)  | type(1) | payload (length) |
 * +-------------+-------------+---------+------------------+
 * big-endian; crc32c covers length, type and payload, so a torn or flipped header is detected too.
 * </pre>
 */
public final class Record {

    public static final int HEADER_BYTES = 9;
    /** No single record may exceed this; a larger length field means a corrupt header. */
    public static final int MAX_PAYLOAD = 256 << 20;

    private Record() {}

    public static int encodedSize(int payloadLength) {
        return HEADER_BYTES + payloadLength;
    }

    /** Writes one record into {@code out}, which must have room for {@link #encodedSize}. */
    public static void encode(ByteBuffer out, byte type, byte[] payload) {
        int start = out.position();
        out.putInt(0);
        out.putInt(payload.length);
        out.put(type);
        out.put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + start + 4, 5 + payload.length);
        out.putInt(start, (int) crc.getValue());
    }

    public static byte[] encode(byte type, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(encodedSize(payload.length));
        encode(out, type, payload);
        return out.array();
    }

    /** Whether {@code header} (9 bytes) and {@code payload} carry a matching checksum. */
    static boolean checksumMatches(byte[] header, byte[] payload, int payloadLength) {
        CRC32C crc = new CRC32C();
        crc.update(header, 4, 5);
        crc.update(payload, 0, payloadLength);
        int stored = ByteBuffer.wrap(header).getInt(0);
        return stored == (int) crc.getValue();
    }
}
