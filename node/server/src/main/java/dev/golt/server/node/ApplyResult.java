package dev.golt.server.node;

import com.google.protobuf.ByteString;

/**
 * The outcome of one applied command.
 *
 * @param found        delete: the key existed; cas: the comparison held
 * @param current      cas: the value after the command (the new value on success, the unchanged one otherwise)
 * @param revision     the store's revision after the command
 * @param etcdResponse an etcd transaction's TxnResponse (empty for other commands)
 * @param error        non-null when the command was applied as refused (etcd's message, e.g. an
 *                     unknown lease): nothing changed
 */
public record ApplyResult(long index, boolean found, byte[] current, long revision, ByteString etcdResponse, String error) {

    public ApplyResult(long index, boolean found, byte[] current) {
        this(index, found, current, 0, ByteString.EMPTY, null);
    }

    public static ApplyResult refused(long index, long revision, String error) {
        return new ApplyResult(index, false, null, revision, ByteString.EMPTY, error);
    }
}
