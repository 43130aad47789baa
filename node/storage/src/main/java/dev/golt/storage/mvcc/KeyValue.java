package dev.golt.storage.mvcc;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}: {@code createRevision} is the revision of
 * the put that created it (since its last delete), {@code modRevision} of its last change,
 * {@code version} counts changes since creation (1 on create; a delete resets it), {@code lease} is
 * the attached lease's id (0: none).
 */
public record KeyValue(byte[] key, long createRevision, long modRevision, long version, byte[] value, long lease) {

    public KeyValue withoutValue() {
        return new KeyValue(key, createRevision, modRevision, version, new byte[0], lease);
    }
}
