// Requests: the KV requests etcd's concurrency recipes send, built as clientv3's op options build
// them (client/v3/op.go: WithPrefix, WithFirstCreate, WithLastCreate, WithMaxCreateRev, Compare).
package dev.golt.server.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RequestOp;
import java.nio.charset.StandardCharsets;

/** Builders for the few requests the lock and election recipes need; no state. */
final class Requests {

    private static final ByteString SLASH = ByteString.copyFromUtf8("/");
    /** clientv3's noPrefixEnd: a prefix of only 0xff bytes ranges to the end of the keyspace. */
    private static final ByteString NO_PREFIX_END = ByteString.copyFrom(new byte[] {0});

    private Requests() {}

    /** {@code name + "/"}: the prefix under which a lock's or election's waiters queue. */
    static ByteString prefixOf(ByteString name) {
        return name.concat(SLASH);
    }

    /** Go's {@code fmt.Sprintf("%s%x", prefix, lease)}: the waiter key of one lease. */
    static ByteString leaseKey(ByteString prefix, long lease) {
        String hex = lease < 0 ? "-" + Long.toHexString(-lease) : Long.toHexString(lease);
        return prefix.concat(ByteString.copyFrom(hex, StandardCharsets.US_ASCII));
    }

    /** clientv3's GetPrefixRangeEnd: the first key after every key starting with {@code prefix}. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xff) < 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return NO_PREFIX_END;
    }

    static RangeRequest get(ByteString key) {
        return RangeRequest.newBuilder().setKey(key).build();
    }

    /** {@code Get(prefix, WithFirstCreate()...)}: the oldest key under the prefix (the owner). */
    static RangeRequest firstCreate(ByteString prefix) {
        return top(prefix, RangeRequest.SortOrder.ASCEND).build();
    }

    /** {@code Get(prefix, WithLastCreate(), WithMaxCreateRev(max))}: the newest key created at or before max. */
    static RangeRequest lastCreate(ByteString prefix, long maxCreateRevision) {
        return top(prefix, RangeRequest.SortOrder.DESCEND).setMaxCreateRevision(maxCreateRevision).build();
    }

    private static RangeRequest.Builder top(ByteString prefix, RangeRequest.SortOrder order) {
        return RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(order).setLimit(1);
    }

    /** {@code Compare(CreateRevision(key), "=", revision)}. */
    static Compare createRevisionIs(ByteString key, long revision) {
        return Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                .setResult(Compare.CompareResult.EQUAL).setCreateRevision(revision).build();
    }

    static RequestOp putOp(ByteString key, ByteString value, long lease) {
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value).setLease(lease)).build();
    }

    static RequestOp rangeOp(RangeRequest range) {
        return RequestOp.newBuilder().setRequestRange(range).build();
    }

    static RequestOp deleteOp(ByteString key) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)).build();
    }
}
