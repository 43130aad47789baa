package dev.golt.server.etcd;

import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.KeyValue;
import dev.golt.storage.mvcc.RangeResult;
import dev.golt.storage.mvcc.RevisionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's Range semantics over a store read (its {@code apply.go} Range): revision, limit,
 * count_only, keys_only, the min/max create and mod revision filters and sorting. With a filter or
 * a sort every key of the range is read first and the limit applies after, as in etcd; {@code count}
 * is the number of keys in the range regardless of limit and filters.
 */
public final class RangeQuery {

    /** A store read: range at a revision (0: current), limit (0: none), keys only. */
    @FunctionalInterface
    public interface Reader {
        RangeResult read(KeyRange range, long revision, long limit, boolean keysOnly);
    }

    private RangeQuery() {}

    public static RangeResponse run(RangeRequest r, Reader reader) {
        KeyRange range = EtcdKv.range(r.getKey(), r.getRangeEnd());
        RangeRequest.SortOrder order = r.getSortOrder();
        if (r.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        boolean filtered = r.getMinModRevision() != 0 || r.getMaxModRevision() != 0
                || r.getMinCreateRevision() != 0 || r.getMaxCreateRevision() != 0;
        boolean readAll = filtered || (order != RangeRequest.SortOrder.NONE
                && !(order == RangeRequest.SortOrder.ASCEND && r.getSortTarget() == RangeRequest.SortTarget.KEY));
        long limit = readAll || r.getCountOnly() ? 0 : r.getLimit();
        RangeResult rr;
        try {
            rr = reader.read(range, r.getRevision(), r.getCountOnly() ? 1 : limit, r.getKeysOnly());
        } catch (RevisionException e) {
            throw EtcdError.fromApplied(e.kind() == RevisionException.Kind.COMPACTED ? EtcdError.COMPACTED : EtcdError.FUTURE_REV);
        }
        RangeResponse.Builder out = RangeResponse.newBuilder().setHeader(ResponseHeader.getDefaultInstance())
                .setCount(rr.count());
        if (r.getCountOnly()) {
            return out.build();
        }
        List<KeyValue> kvs = new ArrayList<>(rr.kvs());
        if (filtered) {
            kvs.removeIf(kv -> (r.getMinModRevision() != 0 && kv.modRevision() < r.getMinModRevision())
                    || (r.getMaxModRevision() != 0 && kv.modRevision() > r.getMaxModRevision())
                    || (r.getMinCreateRevision() != 0 && kv.createRevision() < r.getMinCreateRevision())
                    || (r.getMaxCreateRevision() != 0 && kv.createRevision() > r.getMaxCreateRevision()));
        }
        if (readAll && order != RangeRequest.SortOrder.NONE) {
            Comparator<KeyValue> c = comparator(r.getSortTarget());
            kvs.sort(order == RangeRequest.SortOrder.DESCEND ? c.reversed() : c);
        }
        boolean more = rr.more();
        if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
            kvs = kvs.subList(0, (int) r.getLimit());
            more = true;
        }
        for (KeyValue kv : kvs) {
            out.addKvs(EtcdKv.toProto(kv));
        }
        return out.setMore(more).build();
    }

    private static Comparator<KeyValue> comparator(RangeRequest.SortTarget target) {
        Comparator<KeyValue> byKey = (a, b) -> Arrays.compareUnsigned(a.key(), b.key());
        Comparator<KeyValue> primary = switch (target) {
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
            default -> byKey;
        };
        return primary.thenComparing(byKey);
    }
}
