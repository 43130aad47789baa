// WatchStream: one etcd v3 watch read as a blocking sequence of responses; reopened from the
// revision after the last event when the stream breaks with UNAVAILABLE, as clientv3 does.
package dev.golt.cli;

import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchGrpc;
import dev.golt.etcd.api.WatchRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Responses are requested one at a time, so a reader that falls behind holds the server back
 * instead of growing this process. A stream that stays unavailable for {@code retryFor} fails.
 */
final class WatchStream implements AutoCloseable {

    private static final Duration RETRY_WAIT = Duration.ofMillis(300);

    private final WatchGrpc.WatchStub stub;
    private final WatchCreateRequest create;
    private final Duration retryFor;
    private long nextRevision;
    private Inbox inbox;

    WatchStream(Channel channel, WatchCreateRequest create, Duration retryFor) {
        this.stub = WatchGrpc.newStub(channel);
        this.create = create;
        this.retryFor = retryFor;
        this.nextRevision = create.getStartRevision();
        open();
    }

    /**
     * The next response with events. Throws CliException when the server cancels the watch (e.g.
     * its start revision is compacted), StatusRuntimeException when the stream fails for good.
     */
    WatchResponse next() throws InterruptedException {
        long unavailableSince = 0;
        while (true) {
            Object m = inbox.queue.take();
            if (m instanceof WatchResponse r) {
                inbox.calls.request(1);
                unavailableSince = 0;
                if (r.getCanceled()) {
                    throw canceled(r);
                }
                if (r.getCreated()) {
                    if (nextRevision == 0) {
                        nextRevision = r.getHeader().getRevision() + 1;
                    }
                    continue;
                }
                if (r.getEventsCount() == 0) {
                    continue;
                }
                nextRevision = r.getEvents(r.getEventsCount() - 1).getKv().getModRevision() + 1;
                return r;
            }
            Status s = m == Inbox.COMPLETED ? Status.UNAVAILABLE.withDescription("the server ended the watch")
                    : Status.fromThrowable((Throwable) m);
            if (s.getCode() != Status.Code.UNAVAILABLE) {
                throw s.asRuntimeException();
            }
            long now = System.nanoTime();
            unavailableSince = unavailableSince == 0 ? now : unavailableSince;
            if (now - unavailableSince > retryFor.toNanos()) {
                throw s.asRuntimeException();
            }
            Thread.sleep(RETRY_WAIT);
            open();
        }
    }

    @Override
    public void close() {
        inbox.calls.cancel("watch closed", null);
    }

    private void open() {
        inbox = new Inbox();
        stub.watch(inbox);
        inbox.calls.onNext(WatchRequest.newBuilder()
                .setCreateRequest(create.toBuilder().setStartRevision(nextRevision)).build());
    }

    private static CliException canceled(WatchResponse r) {
        if (r.getCompactRevision() != 0) {
            return new CliException(ExitCodes.USAGE, "watch canceled: required revision has been compacted (compacted up to "
                    + r.getCompactRevision() + "; start at a later --rev)");
        }
        String reason = r.getCancelReason().isEmpty() ? "canceled by the server" : r.getCancelReason();
        return new CliException(ExitCodes.SERVER_ERROR, "watch canceled: " + reason);
    }

    /** One stream's responses, then its end. */
    private static final class Inbox implements ClientResponseObserver<WatchRequest, WatchResponse> {
        static final Object COMPLETED = new Object();
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        volatile ClientCallStreamObserver<WatchRequest> calls;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            calls = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(WatchResponse value) {
            queue.add(value);
        }

        @Override
        public void onError(Throwable t) {
            queue.add(t);
        }

        @Override
        public void onCompleted() {
            queue.add(COMPLETED);
        }
    }
}
