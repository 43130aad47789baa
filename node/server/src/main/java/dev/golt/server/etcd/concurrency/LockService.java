// LockService: etcd's v3lock gRPC service (server/etcdserver/api/v3lock/lock.go), a client of the
// etcd v3 KV, Lease and Watch API it is given a Channel to.
package dev.golt.server.etcd.concurrency;

import dev.golt.etcd.api.lock.LockGrpc;
import dev.golt.etcd.api.lock.LockRequest;
import dev.golt.etcd.api.lock.LockResponse;
import dev.golt.etcd.api.lock.UnlockRequest;
import dev.golt.etcd.api.lock.UnlockResponse;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * Lock(name, lease) answers once the lease holds {@code name}: the key {@code name/<lease hex>}
 * (whose create revision is the fencing token) and the header of the read that found it the
 * holder. The caller keeps the lease alive; when the lease ends, the key and so the lock go with
 * it. A Lock whose caller goes away, at any point, deletes the key it created. Unlock(key) deletes
 * the key. Errors are etcd's (see {@link ConcurrencyErrors}).
 */
public final class LockService extends LockGrpc.LockImplBase {

    private final V3Client client;
    private final BlockingCalls calls = new BlockingCalls("golt-lock");

    /** {@code etcd}: a channel to the etcd v3 API (KV, Lease, Watch) the locks live in. */
    public LockService(Channel etcd) {
        this.client = new V3Client(etcd);
    }

    @Override
    public void lock(LockRequest request, StreamObserver<LockResponse> responseObserver) {
        calls.unary(responseObserver, () -> {
            long lease = SessionLease.resolve(client, request.getLease());
            Mutex mutex = new Mutex(client, request.getName(), lease);
            mutex.lock();
            try {
                V3Client.checkNotCancelled();
            } catch (StatusRuntimeException gone) {
                mutex.abandon();
                throw gone;
            }
            return LockResponse.newBuilder().setHeader(mutex.header()).setKey(mutex.key()).build();
        });
    }

    @Override
    public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> responseObserver) {
        calls.unary(responseObserver, () -> UnlockResponse.newBuilder()
                .setHeader(client.delete(request.getKey()).getHeader()).build());
    }
}
