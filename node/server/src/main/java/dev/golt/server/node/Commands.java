package dev.golt.server.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.proto.Command;
import dev.golt.proto.CompareAndSet;
import dev.golt.server.etcd.EtcdError;
import dev.golt.server.etcd.Txns;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.KeyValue;
import dev.golt.storage.mvcc.MvccWrite;
import dev.golt.storage.mvcc.RevisionException;
import java.util.Arrays;

/**
 * What each log command does to one MVCC write: the seed API's set/delete/cas and the etcd API's
 * transactions, lease grants and revocations and compactions. Pure apart from the write, so every
 * replica does the same; a refusal is an {@link EtcdError} and nothing of the command is kept.
 */
final class Commands {

    private Commands() {}

    /** The outcome before the revision is known, and what listeners hear about leases. */
    interface Applied {
        ApplyResult result(long index, long revision);

        default void notify(StateMachine.Listener l) {}
    }

    static Applied apply(Command cmd, MvccWrite w) {
        return switch (cmd.getOpCase()) {
            case PUT -> {
                byte[] v = cmd.getPut().getValue().toByteArray();
                w.put(cmd.getPut().getKey().toByteArray(), v, 0);
                yield (index, rev) -> new ApplyResult(index, true, v, rev, ByteString.EMPTY, null);
            }
            case DELETE -> {
                boolean found = !w.deleteRange(KeyRange.single(cmd.getDelete().getKey().toByteArray())).isEmpty();
                yield (index, rev) -> new ApplyResult(index, found, null, rev, ByteString.EMPTY, null);
            }
            case CAS -> cas(cmd.getCas(), w);
            case ETCD_TXN -> {
                TxnResponse r = Txns.apply(parseTxn(cmd.getEtcdTxn()), w);
                yield (index, rev) -> new ApplyResult(index, r.getSucceeded(), null, rev,
                        r.toBuilder().setHeader(ResponseHeader.newBuilder().setRevision(rev)).build().toByteString(), null);
            }
            case LEASE_GRANT -> {
                long id = cmd.getLeaseGrant().getId();
                long ttl = cmd.getLeaseGrant().getTtlSeconds();
                if (id <= 0 || w.leaseExists(id)) {
                    throw EtcdError.fromApplied(EtcdError.LEASE_EXISTS);
                }
                w.grantLease(id, ttl);
                yield new Applied() {
                    public ApplyResult result(long index, long rev) {
                        return new ApplyResult(index, true, null, rev, ByteString.EMPTY, null);
                    }

                    public void notify(StateMachine.Listener l) {
                        l.leaseGranted(id, ttl);
                    }
                };
            }
            case LEASE_REVOKE -> {
                long id = cmd.getLeaseRevoke().getId();
                if (!w.leaseExists(id)) {
                    throw EtcdError.fromApplied(EtcdError.LEASE_NOT_FOUND);
                }
                w.revokeLease(id);
                yield new Applied() {
                    public ApplyResult result(long index, long rev) {
                        return new ApplyResult(index, true, null, rev, ByteString.EMPTY, null);
                    }

                    public void notify(StateMachine.Listener l) {
                        l.leaseRevoked(id);
                    }
                };
            }
            case COMPACTION -> {
                long to = cmd.getCompaction().getRevision();
                try {
                    w.compact(to);
                } catch (RevisionException e) {
                    throw EtcdError.fromApplied(e.kind() == RevisionException.Kind.COMPACTED
                            ? EtcdError.COMPACTED : EtcdError.FUTURE_REV);
                }
                yield new Applied() {
                    public ApplyResult result(long index, long rev) {
                        return new ApplyResult(index, true, null, rev, ByteString.EMPTY, null);
                    }

                    public void notify(StateMachine.Listener l) {
                        l.compacted(to);
                    }
                };
            }
            case MEMBER_ATTRIBUTES -> {
                w.setMemberClientUrls(cmd.getMemberAttributes().getId(), cmd.getMemberAttributes().getClientUrlsList());
                yield (index, rev) -> new ApplyResult(index, true, null, rev, ByteString.EMPTY, null);
            }
            default -> throw EtcdError.invalid("empty command");
        };
    }

    private static Applied cas(CompareAndSet cas, MvccWrite w) {
        byte[] k = cas.getKey().toByteArray();
        KeyValue cur = w.get(k);
        byte[] current = cur == null ? null : cur.value();
        boolean match = cas.getHasExpected()
                ? current != null && Arrays.equals(current, cas.getExpected().toByteArray())
                : current == null;
        if (!match) {
            return (index, rev) -> new ApplyResult(index, false, current, rev, ByteString.EMPTY, null);
        }
        if (cas.getHasValue()) {
            byte[] v = cas.getValue().toByteArray();
            w.put(k, v, 0);
            return (index, rev) -> new ApplyResult(index, true, v, rev, ByteString.EMPTY, null);
        }
        w.deleteRange(KeyRange.single(k));
        return (index, rev) -> new ApplyResult(index, true, null, rev, ByteString.EMPTY, null);
    }

    private static TxnRequest parseTxn(ByteString bytes) {
        try {
            return TxnRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw EtcdError.invalid("etcdserver: malformed transaction");
        }
    }
}
