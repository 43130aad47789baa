package dev.golt.server.transport;

import dev.golt.proto.ForwardCall;
import dev.golt.proto.ForwardReply;
import dev.golt.proto.ForwardRequest;
import dev.golt.proto.ForwardResponse;
import dev.golt.proto.RaftTransportGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A follower's requests to one peer (the leader) over a single long-lived bidirectional stream,
 * replies matched by id. A unary call per request cost a call set-up, headers, trailers and two
 * deadline timers each; on the stream a request is one small frame, and requests sent while the
 * event loop is busy go out in one write.
 */
final class ForwardStream {

    private final ManagedChannel channel;
    private final int maxMessageBytes;
    private Call call; // guarded by this

    ForwardStream(ManagedChannel channel, int maxMessageBytes) {
        this.channel = channel;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Fails with a gRPC status when the stream breaks or no reply came within {@code timeoutMs}. */
    CompletableFuture<ForwardResponse> send(ForwardRequest request, long timeoutMs) {
        CompletableFuture<ForwardResponse> f = new CompletableFuture<>();
        synchronized (this) {
            Call c = call;
            if (c == null) {
                c = new Call();
                call = c;
                c.start();
            }
            c.send(request, f);
        }
        f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        return f;
    }

    synchronized void close() {
        if (call != null) {
            call.out.cancel("transport closing", null);
            call = null;
        }
    }

    /** One opened stream and the requests awaiting a reply on it. */
    private final class Call implements ClientResponseObserver<ForwardCall, ForwardReply> {
        private final Map<Long, CompletableFuture<ForwardResponse>> pending = new ConcurrentHashMap<>();
        private ClientCallStreamObserver<ForwardCall> out;
        private long nextId;
        private volatile boolean broken;

        void start() {
            RaftTransportGrpc.newStub(channel).withMaxInboundMessageSize(maxMessageBytes)
                    .withMaxOutboundMessageSize(maxMessageBytes).forwardStream(this);
        }

        /** Called with the owner's lock held, so requests go out in id order. */
        void send(ForwardRequest request, CompletableFuture<ForwardResponse> f) {
            long id = ++nextId;
            pending.put(id, f);
            f.whenComplete((r, e) -> pending.remove(id));
            if (broken) {
                f.completeExceptionally(Status.UNAVAILABLE.withDescription("forward stream broke").asRuntimeException());
                return;
            }
            try {
                out.onNext(ForwardCall.newBuilder().setId(id).setRequest(request).build());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ForwardCall> requestStream) {
            out = requestStream;
        }

        @Override
        public void onNext(ForwardReply reply) {
            CompletableFuture<ForwardResponse> f = pending.remove(reply.getId());
            if (f != null) {
                f.complete(reply.getResponse());
            }
        }

        @Override
        public void onError(Throwable t) {
            broken(t);
        }

        @Override
        public void onCompleted() {
            broken(Status.UNAVAILABLE.withDescription("leader closed the forward stream").asRuntimeException());
        }

        private void broken(Throwable t) {
            broken = true;
            synchronized (ForwardStream.this) {
                if (call == this) {
                    call = null;
                }
            }
            // The requests may have reached the leader: the caller reports their outcome as unknown.
            for (Long id : pending.keySet()) {
                CompletableFuture<ForwardResponse> f = pending.remove(id);
                if (f != null) {
                    f.completeExceptionally(t);
                }
            }
        }
    }
}
