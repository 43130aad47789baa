// V3Client: the KV, Lease and Watch calls etcd's concurrency recipes make, over one gRPC Channel to
// an etcd v3 API; it plays the part clientv3.Client plays for etcd's v3lock and v3election servers.
package dev.golt.server.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.DeleteRangeResponse;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchGrpc;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Blocking calls, made in the current {@link Context}: when the gRPC call being served is cancelled
 * (its client went away or its deadline passed) every call in flight here fails at once, as Go's
 * calls fail when their {@code ctx} is done. {@link #detached} runs cleanup outside that context,
 * as etcd's recipes clean up with {@code client.Ctx()}.
 */
final class V3Client {

    /** How long a detached call (cleanup, or a write that must not be cut off halfway) may take. */
    static final Duration DETACHED_TIMEOUT = Duration.ofSeconds(10);

    private final Channel channel;
    private final KVGrpc.KVBlockingStub kv;
    private final LeaseGrpc.LeaseBlockingStub lease;

    V3Client(Channel channel) {
        this(channel, KVGrpc.newBlockingStub(channel), LeaseGrpc.newBlockingStub(channel));
    }

    private V3Client(Channel channel, KVGrpc.KVBlockingStub kv, LeaseGrpc.LeaseBlockingStub lease) {
        this.channel = channel;
        this.kv = kv;
        this.lease = lease;
    }

    TxnResponse txn(TxnRequest request) {
        return kv.txn(request);
    }

    RangeResponse range(RangeRequest request) {
        return kv.range(request);
    }

    DeleteRangeResponse delete(ByteString key) {
        return kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(key).build());
    }

    /** Grants a lease of {@code ttlSeconds}; returns its id. */
    long grant(long ttlSeconds) {
        return lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build()).getID();
    }

    /** Opens a watch; the caller reads it with {@link KeyWatch#next} and closes it. */
    KeyWatch watch(WatchCreateRequest request) {
        return KeyWatch.open(WatchGrpc.newStub(channel), request);
    }

    /**
     * Runs {@code call} to completion even if the current gRPC call is cancelled meanwhile, within
     * {@link #DETACHED_TIMEOUT}.
     */
    <T> T detached(Function<V3Client, T> call) {
        long ms = DETACHED_TIMEOUT.toMillis();
        V3Client bounded = new V3Client(channel, kv.withDeadlineAfter(ms, TimeUnit.MILLISECONDS),
                lease.withDeadlineAfter(ms, TimeUnit.MILLISECONDS));
        Context forked = Context.current().fork();
        Context previous = forked.attach();
        try {
            return call.apply(bounded);
        } finally {
            forked.detach(previous);
        }
    }

    /** {@link #detached} for cleanup whose failure changes nothing: the lease still expires the key. */
    void detachedQuietly(Function<V3Client, ?> call) {
        try {
            detached(call);
        } catch (StatusRuntimeException ignored) {
            // As etcd's recipes do with the error of m.Unlock / e.Resign on a failed wait.
        }
    }

    /** Fails with the caller's cancellation if the gRPC call being served has been cancelled. */
    static void checkNotCancelled() {
        if (Context.current().isCancelled()) {
            throw Status.CANCELLED.withDescription("context canceled").asRuntimeException();
        }
    }
}
