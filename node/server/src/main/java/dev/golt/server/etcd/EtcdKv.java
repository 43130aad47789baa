package dev.golt.server.etcd;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.KeyValue;
import dev.golt.storage.mvcc.KeyRange;

/** Conversions between the store's MVCC records and etcd's {@code mvccpb} messages (events: {@code watch.WatchResponses}). */
public final class EtcdKv {

    private EtcdKv() {}

    public static KeyValue toProto(dev.golt.storage.mvcc.KeyValue kv) {
        return KeyValue.newBuilder().setKey(ByteString.copyFrom(kv.key()))
                .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision())
                .setVersion(kv.version()).setValue(ByteString.copyFrom(kv.value())).setLease(kv.lease()).build();
    }

    public static KeyRange range(ByteString key, ByteString rangeEnd) {
        if (key.isEmpty()) {
            throw EtcdError.invalid(EtcdError.EMPTY_KEY);
        }
        return KeyRange.ofEtcd(key.toByteArray(), rangeEnd.toByteArray());
    }
}
