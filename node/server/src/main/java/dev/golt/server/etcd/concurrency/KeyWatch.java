// KeyWatch: one etcd v3 watch read as a blocking sequence of responses, the way clientv3's watch
// channel serves etcd's concurrency recipes (client/v3/watch.go: resume after Unavailable/Internal,
// WatchResponse.Err() for a watch the server cancelled).
package dev.golt.server.etcd.concurrency;

import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchGrpc;
import dev.golt.etcd.api.WatchRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The watch stream is opened in the current {@link Context}, so it ends when the gRPC call being
 * served is cancelled. Responses are requested one at a time (at most one waits here unread), so a
 * reader that falls behind makes the server hold back, not this node's memory grow. A stream that
 * fails with UNAVAILABLE or INTERNAL is reopened from the revision after the last event read, as
 * clientv3 does; any other failure, or a watch the server cancels, is thrown from {@link #next}.
 */
final class KeyWatch implements AutoCloseable {

    private static final Duration RETRY_WAIT = Duration.ofMillis(200);

    private final WatchGrpc.WatchStub stub;
    private final WatchCreateRequest create;
    private long nextRevision;
    private Stream stream;

    private KeyWatch(WatchGrpc.WatchStub stub, WatchCreateRequest create) {
        this.stub = stub;
        this.create = create;
        this.nextRevision = create.getStartRevision();
    }

    static KeyWatch open(WatchGrpc.WatchStub stub, WatchCreateRequest create) {
        KeyWatch w = new KeyWatch(stub, create);
        w.reopen();
        return w;
    }

    /**
     * The next response that carries events; {@code null} if the server ended the stream without
     * an error. Throws the failure (a StatusRuntimeException) of a failed or cancelled watch.
     */
    WatchResponse next() {
        while (true) {
            Object message = stream.take();
            if (message instanceof WatchResponse r) {
                stream.requestOne();
                if (r.getCanceled()) {
                    throw ConcurrencyErrors.watchCanceled(r.getCompactRevision(), r.getCancelReason()).asRuntimeException();
                }
                if (r.getCreated()) {
                    if (nextRevision == 0) {
                        nextRevision = r.getHeader().getRevision() + 1;
                    }
                    continue;
                }
                if (r.getEventsCount() == 0) {
                    continue; // a progress notification: nothing to act on
                }
                Event last = r.getEvents(r.getEventsCount() - 1);
                nextRevision = last.getKv().getModRevision() + 1;
                return r;
            }
            if (message == Stream.COMPLETED) {
                return null;
            }
            Status status = Status.fromThrowable((Throwable) message);
            boolean transient_ = status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.INTERNAL;
            if (!transient_ || Context.current().isCancelled()) {
                throw status.asRuntimeException();
            }
            pause();
            reopen();
        }
    }

    @Override
    public void close() {
        stream.cancel();
    }

    private void reopen() {
        stream = new Stream();
        stub.watch(stream);
        WatchCreateRequest request = create.toBuilder().setStartRevision(nextRevision).build();
        stream.send(WatchRequest.newBuilder().setCreateRequest(request).build());
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }

    /** One watch stream's inbox: responses, then its end (COMPLETED or the Throwable). */
    private static final class Stream implements ClientResponseObserver<WatchRequest, WatchResponse> {
        static final Object COMPLETED = new Object();

        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        private volatile ClientCallStreamObserver<WatchRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(WatchResponse value) {
            inbox.add(value);
        }

        @Override
        public void onError(Throwable t) {
            inbox.add(t);
        }

        @Override
        public void onCompleted() {
            inbox.add(COMPLETED);
        }

        void send(WatchRequest request) {
            requests.onNext(request);
        }

        void requestOne() {
            requests.request(1);
        }

        void cancel() {
            requests.cancel("watch no longer needed", null);
        }

        Object take() {
            try {
                return inbox.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
        }
    }
}
