// Mutex: etcd's distributed lock recipe (client/v3/concurrency/mutex.go, Lock and Unlock) run on
// the server, over the v3 KV and Watch API.
package dev.golt.server.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import io.grpc.StatusRuntimeException;
import java.util.List;

/**
 * Locking puts {@code name/<lease hex>} with the lease unless it exists (a second Lock with the same
 * lease is the same acquisition), then waits until no key under {@code name/} has a lower create
 * revision. The key's create revision orders the waiters and is the holder's fencing token.
 *
 * <p>As in etcd: a wait that fails (the caller went away, the watch failed) deletes the key; a key
 * found gone when the turn comes (its lease expired) fails with "mutex: session is expired". Beyond
 * etcd, the put is never cut off halfway by the caller leaving: it runs to completion and a key it
 * created for a caller that has gone is deleted again, so no departed caller leaves a waiter behind.
 */
final class Mutex {

    private final V3Client client;
    private final ByteString prefix;
    private final long lease;
    private ByteString myKey;
    private long myRevision = -1;
    private boolean created;
    private ResponseHeader header;

    Mutex(V3Client client, ByteString name, long lease) {
        this.client = client;
        this.prefix = Requests.prefixOf(name);
        this.lease = lease;
    }

    /** Blocks until this lease holds the lock; then {@link #key()} and {@link #header()} are set. */
    void lock() {
        TxnResponse resp = tryAcquire();
        List<KeyValue> owner = resp.getResponses(1).getResponseRange().getKvsList();
        if (owner.isEmpty() || owner.get(0).getCreateRevision() == myRevision) {
            header = resp.getHeader();
            return;
        }
        RangeResponse mine;
        try {
            DeleteWaiter.waitDeletes(client, prefix, myRevision - 1);
            mine = client.range(Requests.get(myKey));
        } catch (StatusRuntimeException e) {
            unlockDetached();
            throw e;
        }
        if (mine.getKvsCount() == 0) {
            throw ConcurrencyErrors.SESSION_EXPIRED.asRuntimeException();
        }
        header = mine.getHeader();
    }

    /** After a successful {@link #lock()} whose caller has gone: deletes the key if this call made it. */
    void abandon() {
        if (created) {
            unlockDetached();
        }
    }

    ByteString key() {
        return myKey;
    }

    ResponseHeader header() {
        return header;
    }

    private TxnResponse tryAcquire() {
        myKey = Requests.leaseKey(prefix, lease);
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Requests.createRevisionIs(myKey, 0))
                .addSuccess(Requests.putOp(myKey, ByteString.EMPTY, lease))
                .addSuccess(Requests.rangeOp(Requests.firstCreate(prefix)))
                .addFailure(Requests.rangeOp(Requests.get(myKey)))
                .addFailure(Requests.rangeOp(Requests.firstCreate(prefix)))
                .build();
        TxnResponse resp = client.detached(c -> c.txn(txn));
        created = resp.getSucceeded();
        myRevision = created ? resp.getHeader().getRevision()
                : resp.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
        try {
            V3Client.checkNotCancelled();
        } catch (StatusRuntimeException gone) {
            abandon();
            throw gone;
        }
        return resp;
    }

    private void unlockDetached() {
        client.detachedQuietly(c -> c.delete(myKey));
    }
}
