// KeyRanges: etcd's key-range conventions (clientv3.GetPrefixRangeEnd): the end of a prefix range.
package dev.golt.cli;

import com.google.protobuf.ByteString;

final class KeyRanges {

    private KeyRanges() {}

    /** The first key after every key that starts with {@code prefix}; "\0" (to the end) if there is none. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xff) < 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }
}
