// EtcdFixture: one real etcd and Golt's concurrency services over it, shared by a test class,
// with the few KV and Lease calls the tests make directly against etcd; or, to check that a test
// states etcd's behaviour, the same stubs pointed at etcd's own Lock and Election services.
package dev.golt.server.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.ElectionGrpc;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseRevokeRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.lock.LockGrpc;
import io.grpc.Channel;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

final class EtcdFixture implements AutoCloseable {

    final RealEtcd etcd;
    final ConcurrencyServer golt;

    /** Where the Lock and Election stubs point: Golt's services, or etcd's own (to check a test against etcd). */
    private final Channel services;

    /** With {@code etcdsOwnServices}, the Lock and Election calls go to etcd's own v3lock and v3election. */
    EtcdFixture(boolean etcdsOwnServices) throws IOException, InterruptedException {
        etcd = RealEtcd.start();
        golt = new ConcurrencyServer(etcd.channel());
        services = etcdsOwnServices ? etcd.channel() : golt.channel();
    }

    /** Stubs are made per use: a stub's deadline counts from when it is made. */
    KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(etcd.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    LeaseGrpc.LeaseBlockingStub lease() {
        return LeaseGrpc.newBlockingStub(etcd.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    LockGrpc.LockBlockingStub lock() {
        return LockGrpc.newBlockingStub(services).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    LockGrpc.LockFutureStub lockAsync() {
        return LockGrpc.newFutureStub(services);
    }

    ElectionGrpc.ElectionBlockingStub election() {
        return ElectionGrpc.newBlockingStub(services).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    ElectionGrpc.ElectionFutureStub electionAsync() {
        return ElectionGrpc.newFutureStub(services);
    }

    ElectionGrpc.ElectionStub electionStreaming() {
        return ElectionGrpc.newStub(services);
    }

    long grant(long ttlSeconds) {
        return lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build()).getID();
    }

    void revoke(long id) {
        lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
    }

    /** The keys under {@code name/}, oldest first. */
    List<KeyValue> waiters(String name) {
        ByteString prefix = ByteString.copyFromUtf8(name + "/");
        return kv().range(RangeRequest.newBuilder().setKey(prefix).setRangeEnd(Requests.prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE).build()).getKvsList();
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** Polls {@code condition} for up to {@code ms}; true if it held. */
    static boolean eventually(long ms, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() throws InterruptedException {
        golt.close();
        etcd.close();
    }
}
