package dev.golt.server.etcd;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.DeleteRangeResponse;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.PutResponse;
import dev.golt.etcd.api.RequestOp;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.ResponseOp;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.KeyValue;
import dev.golt.storage.mvcc.MvccWrite;
import java.util.Arrays;
import java.util.List;

/**
 * Applies an etcd transaction to one MVCC write (etcd's {@code applyTxn}): every compare is
 * evaluated against the write's view, then the success or failure ops run in order (nested
 * transactions included), reads seeing earlier writes of the same transaction. The whole
 * transaction is one Raft entry and one revision. Refusals (an unknown lease, a put that keeps a
 * missing key's value, a key changed twice) throw {@link EtcdError} before anything is committed.
 */
public final class Txns {

    private Txns() {}

    public static TxnResponse apply(TxnRequest txn, MvccWrite w) {
        boolean succeeded = txn.getCompareList().stream().allMatch(c -> holds(c, w));
        List<RequestOp> ops = succeeded ? txn.getSuccessList() : txn.getFailureList();
        checkLeases(ops, w);
        TxnResponse.Builder out = TxnResponse.newBuilder().setSucceeded(succeeded);
        for (RequestOp op : ops) {
            out.addResponses(apply(op, w));
        }
        return out.build();
    }

    private static ResponseOp apply(RequestOp op, MvccWrite w) {
        return switch (op.getRequestCase()) {
            case REQUEST_RANGE -> ResponseOp.newBuilder()
                    .setResponseRange(RangeQuery.run(op.getRequestRange(), w::range)).build();
            case REQUEST_PUT -> ResponseOp.newBuilder().setResponsePut(put(op.getRequestPut(), w)).build();
            case REQUEST_DELETE_RANGE -> ResponseOp.newBuilder()
                    .setResponseDeleteRange(delete(op.getRequestDeleteRange(), w)).build();
            case REQUEST_TXN -> ResponseOp.newBuilder().setResponseTxn(apply(op.getRequestTxn(), w)).build();
            default -> throw EtcdError.invalid("etcdserver: empty request op");
        };
    }

    private static PutResponse put(PutRequest p, MvccWrite w) {
        byte[] key = EtcdKv.range(p.getKey(), ByteString.EMPTY).from();
        KeyValue prev;
        try {
            if (p.getIgnoreValue() || p.getIgnoreLease()) {
                prev = w.get(key);
                if (prev == null) {
                    throw EtcdError.invalid(EtcdError.KEY_NOT_FOUND);
                }
                w.put(key, p.getIgnoreValue() ? prev.value() : p.getValue().toByteArray(),
                        p.getIgnoreLease() ? prev.lease() : p.getLease());
            } else {
                // The put reads the previous version itself: one lookup, not two.
                prev = w.put(key, p.getValue().toByteArray(), p.getLease()).prevKv();
            }
        } catch (IllegalArgumentException e) {
            throw EtcdError.invalid(EtcdError.DUPLICATE_KEY);
        }
        PutResponse.Builder out = PutResponse.newBuilder().setHeader(ResponseHeader.getDefaultInstance());
        if (p.getPrevKv() && prev != null) {
            out.setPrevKv(EtcdKv.toProto(prev));
        }
        return out.build();
    }

    private static DeleteRangeResponse delete(DeleteRangeRequest d, MvccWrite w) {
        List<Event> deleted;
        try {
            deleted = w.deleteRange(EtcdKv.range(d.getKey(), d.getRangeEnd()));
        } catch (IllegalArgumentException e) {
            throw EtcdError.invalid(EtcdError.DUPLICATE_KEY);
        }
        DeleteRangeResponse.Builder out = DeleteRangeResponse.newBuilder()
                .setHeader(ResponseHeader.getDefaultInstance()).setDeleted(deleted.size());
        if (d.getPrevKv()) {
            deleted.forEach(e -> out.addPrevKvs(EtcdKv.toProto(e.prevKv())));
        }
        return out.build();
    }

    private static void checkLeases(List<RequestOp> ops, MvccWrite w) {
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                long lease = op.getRequestPut().getLease();
                if (lease != 0 && !op.getRequestPut().getIgnoreLease() && !w.leaseExists(lease)) {
                    throw EtcdError.fromApplied(EtcdError.LEASE_NOT_FOUND);
                }
            }
        }
    }

    /** etcd's {@code applyCompare}: every key of the compare's range must satisfy it; a missing key compares as zeros. */
    static boolean holds(Compare c, MvccWrite w) {
        KeyRange range = EtcdKv.range(c.getKey(), c.getRangeEnd());
        List<KeyValue> kvs = w.range(range, 0, 0, false).kvs();
        if (kvs.isEmpty()) {
            if (c.getTarget() == Compare.CompareTarget.VALUE) {
                return false;
            }
            return holds(c, new KeyValue(range.from(), 0, 0, 0, new byte[0], 0));
        }
        return kvs.stream().allMatch(kv -> holds(c, kv));
    }

    private static boolean holds(Compare c, KeyValue kv) {
        int cmp = switch (c.getTarget()) {
            case VERSION -> Long.compare(kv.version(), c.getVersion());
            case CREATE -> Long.compare(kv.createRevision(), c.getCreateRevision());
            case MOD -> Long.compare(kv.modRevision(), c.getModRevision());
            case VALUE -> Integer.signum(Arrays.compareUnsigned(kv.value(), c.getValue().toByteArray()));
            case LEASE -> Long.compare(kv.lease(), c.getLease());
            default -> throw EtcdError.invalid("etcdserver: unknown compare target");
        };
        return switch (c.getResult()) {
            case EQUAL -> cmp == 0;
            case NOT_EQUAL -> cmp != 0;
            case GREATER -> cmp > 0;
            case LESS -> cmp < 0;
            default -> false;
        };
    }
}
