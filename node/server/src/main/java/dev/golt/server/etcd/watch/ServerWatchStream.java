package dev.golt.server.etcd.watch;

import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.WatchRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.jboss.logging.Logger;

/**
 * One client's Watch call (etcd's {@code serverWatchStream}): requests in, responses out of the
 * stream's {@link SendQueue}, sent only while gRPC says the call {@link ServerCallStreamObserver#isReady
 * is ready} — a client that does not read stops the sending, which fills the queue, which makes its
 * watchers fall behind instead of growing memory.
 *
 * <p>One sender at a time drains the queue (the work-in-progress counter hands draining to whoever
 * comes first and makes it loop while more was signalled), on the service's executor, so that neither
 * the apply thread nor the catch-up ever calls into gRPC. Requests are read one at a time: while
 * {@link #CONTROL_BACKLOG} responses to requests are unsent, the next request is not asked for (etcd
 * blocks its receive loop on a full control channel the same way), so a client sending requests
 * without reading the answers cannot grow the queue either.
 */
final class ServerWatchStream implements StreamObserver<WatchRequest> {

    private static final Logger LOG = Logger.getLogger(ServerWatchStream.class);
    /** etcd's ctrlStreamBufLen. */
    static final int CONTROL_BACKLOG = 16;

    private final ServerCallStreamObserver<WatchResponse> call;
    private final LongFunction<ResponseHeader> headers;
    private final int maxResponseBytes;
    private final Executor sender;
    private final Runnable onEnd;
    private final AtomicInteger wip = new AtomicInteger();
    final WatchStream stream;

    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile ScheduledFuture<?> ticks;
    /** Set by {@link #abort}: the sender ends the call with it (only the sender calls into the call). */
    private volatile io.grpc.Status abortStatus;
    private boolean terminated; // the call was completed or failed; touched by the sender only
    private boolean inboundPaused; // guarded by this

    ServerWatchStream(WatchHub hub, ServerCallStreamObserver<WatchResponse> call, LongFunction<ResponseHeader> headers,
            int maxResponseBytes, Executor sender, Runnable onEnd) {
        this.call = call;
        this.headers = headers;
        this.maxResponseBytes = maxResponseBytes;
        this.sender = sender;
        this.onEnd = onEnd;
        this.stream = hub.openStream(this::signal);
    }

    /** Takes over flow control in both directions; must run inside the service method, before it returns. */
    void start(ScheduledFuture<?> progressTicks) {
        this.ticks = progressTicks;
        call.disableAutoRequest();
        call.setOnReadyHandler(this::signal);
        call.setOnCancelHandler(this::end);
        call.request(1);
    }

    // ------------------------------------------------------------------ requests

    @Override
    public void onNext(WatchRequest req) {
        try {
            switch (req.getRequestUnionCase()) {
                case CREATE_REQUEST -> create(req);
                case CANCEL_REQUEST -> stream.cancel(req.getCancelRequest().getWatchId());
                case PROGRESS_REQUEST -> stream.requestProgress();
                default -> LOG.debugf("watch: request without a known kind ignored");
            }
        } finally {
            askForNext();
        }
    }

    private void create(WatchRequest req) {
        WatchSpec spec;
        try {
            spec = WatchSpec.of(req.getCreateRequest());
        } catch (IllegalArgumentException e) {
            stream.refuse(e.getMessage());
            return;
        }
        stream.create(spec);
    }

    /** The client half-closed: its watchers go now, what is queued is still sent, then the call ends. */
    @Override
    public void onCompleted() {
        stream.close();
        stream.queue.offerControl(new Outbound.Finish());
    }

    /** The call broke or the client canceled it. */
    @Override
    public void onError(Throwable t) {
        end();
    }

    private synchronized void askForNext() {
        if (ended.get()) {
            return;
        }
        if (stream.queue.controls() < CONTROL_BACKLOG) {
            call.request(1);
        } else {
            inboundPaused = true;
        }
    }

    private synchronized void controlSent() {
        if (inboundPaused && !ended.get() && stream.queue.controls() < CONTROL_BACKLOG) {
            inboundPaused = false;
            call.request(1);
        }
    }

    // ------------------------------------------------------------------ responses

    /** Something was queued, or gRPC can take more: make sure a sender runs. */
    void signal() {
        if (wip.getAndIncrement() == 0) {
            try {
                sender.execute(this::drainLoop);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The service is closing: nothing will be sent any more, and the hub must not fail for it.
                end();
            }
        }
    }

    private void drainLoop() {
        int missed = 1;
        do {
            try {
                drain();
            } catch (RuntimeException e) {
                // The call is gone (canceled under us); nothing more can be sent.
                LOG.debugf(e, "watch: sending failed");
                end();
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drain() {
        io.grpc.Status abort = abortStatus;
        if (abort != null) {
            if (!terminated) {
                terminated = true;
                call.onError(abort.asRuntimeException());
            }
            return;
        }
        while (!ended.get() && call.isReady()) {
            Outbound o = stream.queue.poll();
            if (o == null) {
                return;
            }
            switch (o) {
                case Outbound.Events e -> sendEvents(e);
                case Outbound.Control c -> {
                    call.onNext(WatchResponses.withHeader(c.response(), headers.apply(c.revision())));
                    controlSent();
                }
                case Outbound.Finish f -> {
                    end();
                    terminated = true;
                    call.onCompleted();
                    return;
                }
            }
        }
    }

    private void sendEvents(Outbound.Events e) {
        WatchResponse r = WatchResponses.events(e, headers.apply(e.revision()));
        if (!e.watcher().spec.fragment()) {
            call.onNext(r);
            return;
        }
        for (WatchResponse part : WatchResponses.fragments(r, maxResponseBytes)) {
            call.onNext(part);
        }
    }

    /** Ends the stream on our side: watchers, queue, progress ticks. Idempotent. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> t = ticks;
        if (t != null) {
            t.cancel(false);
        }
        stream.close();
        stream.queue.close();
        onEnd.run();
    }

    /** The service is shutting down: tell the client, which may reconnect elsewhere. */
    void abort(io.grpc.Status status) {
        if (ended.get()) {
            return;
        }
        abortStatus = status;
        end();
        signal();
    }
}
