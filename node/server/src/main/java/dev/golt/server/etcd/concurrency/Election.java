// Election: etcd's leader election recipe (client/v3/concurrency/election.go: Campaign, Proclaim,
// Resign, Leader) run on the server, over the v3 KV and Watch API. Observe is LeaderObserver.
package dev.golt.server.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;

/**
 * Campaigners queue as lockers do ({@code name/<lease hex>}, ordered by create revision); the
 * oldest key is the leader and its value the proclamation. Proclaim and Resign act only while the
 * leader key still has the create revision it was won with.
 *
 * <p>Differences from etcd, both for callers that went away or lost their lease: the campaign's put
 * runs to completion and is withdrawn if its caller has gone (as {@link Mutex} does); and a
 * campaign whose key is gone when its turn comes (its lease expired while it waited) fails with
 * "election: not leader", where etcd reports a leadership that no longer exists.
 */
final class Election {

    private final V3Client client;
    private final ByteString prefix;
    private final long lease;
    private ByteString leaderKey;
    private long leaderRevision;
    private boolean leader;
    private ResponseHeader header;

    private Election(V3Client client, ByteString prefix, long lease) {
        this.client = client;
        this.prefix = prefix;
        this.lease = lease;
    }

    /** concurrency.NewElection. */
    static Election of(V3Client client, ByteString name, long lease) {
        return new Election(client, Requests.prefixOf(name), lease);
    }

    /** concurrency.ResumeElection: the election as held by a known leader key. */
    static Election resume(V3Client client, ByteString name, ByteString key, long revision, long lease) {
        Election e = new Election(client, name, lease);
        e.leaderKey = key;
        e.leaderRevision = revision;
        e.leader = true;
        return e;
    }

    /** Blocks until this lease leads the election with {@code value} proclaimed. */
    void campaign(ByteString value) {
        ByteString key = Requests.leaseKey(prefix, lease);
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Requests.createRevisionIs(key, 0))
                .addSuccess(Requests.putOp(key, value, lease))
                .addFailure(Requests.rangeOp(Requests.get(key)))
                .build();
        TxnResponse resp = client.detached(c -> c.txn(txn));
        leaderKey = key;
        leaderRevision = resp.getHeader().getRevision();
        leader = true;
        if (Context.current().isCancelled()) {
            if (resp.getSucceeded()) {
                resignDetached();
            }
            V3Client.checkNotCancelled();
        }
        if (!resp.getSucceeded()) {
            KeyValue existing = resp.getResponses(0).getResponseRange().getKvs(0);
            leaderRevision = existing.getCreateRevision();
            if (!existing.getValue().equals(value)) {
                try {
                    proclaim(value);
                } catch (StatusRuntimeException e) {
                    resignQuietly();
                    throw e;
                }
            }
        }
        RangeResponse mine;
        try {
            DeleteWaiter.waitDeletes(client, prefix, leaderRevision - 1);
            mine = client.range(Requests.get(leaderKey));
        } catch (StatusRuntimeException e) {
            if (Context.current().isCancelled()) {
                resignDetached();
            } else {
                leader = false;
            }
            throw e;
        }
        if (mine.getKvsCount() == 0 || mine.getKvs(0).getCreateRevision() != leaderRevision) {
            leader = false;
            throw ConcurrencyErrors.NOT_LEADER.asRuntimeException();
        }
        header = resp.getHeader();
    }

    /** Replaces the leader's value, only if the leader key still has its create revision. */
    void proclaim(ByteString value) {
        if (!leader) {
            throw ConcurrencyErrors.NOT_LEADER.asRuntimeException();
        }
        TxnResponse resp = client.txn(TxnRequest.newBuilder()
                .addCompare(Requests.createRevisionIs(leaderKey, leaderRevision))
                .addSuccess(Requests.putOp(leaderKey, value, lease))
                .build());
        if (!resp.getSucceeded()) {
            leaderKey = ByteString.EMPTY;
            throw ConcurrencyErrors.NOT_LEADER.asRuntimeException();
        }
        header = resp.getHeader();
    }

    /** Deletes the leader key if it still has its create revision; a stale key is no error. */
    void resign() {
        if (!leader) {
            return;
        }
        try {
            header = client.txn(resignTxn()).getHeader();
        } finally {
            leaderKey = ByteString.EMPTY;
            leader = false;
        }
    }

    /** The current leader's key and value; "election: no leader" if nobody campaigns. */
    RangeResponse leader() {
        RangeResponse resp = client.range(Requests.firstCreate(prefix));
        if (resp.getKvsCount() == 0) {
            throw ConcurrencyErrors.NO_LEADER.asRuntimeException();
        }
        return resp;
    }

    ByteString key() {
        return leaderKey;
    }

    long revision() {
        return leaderRevision;
    }

    ResponseHeader header() {
        return header;
    }

    private TxnRequest resignTxn() {
        return TxnRequest.newBuilder()
                .addCompare(Requests.createRevisionIs(leaderKey, leaderRevision))
                .addSuccess(Requests.deleteOp(leaderKey))
                .build();
    }

    private void resignQuietly() {
        try {
            resign();
        } catch (StatusRuntimeException ignored) {
            // etcd ignores the error of this Resign too and returns the Proclaim's
        }
    }

    /** Withdraws the campaign of a caller that has gone, outside its cancelled context. */
    void resignDetached() {
        TxnRequest txn = resignTxn();
        client.detachedQuietly(c -> c.txn(txn));
        leader = false;
    }
}
