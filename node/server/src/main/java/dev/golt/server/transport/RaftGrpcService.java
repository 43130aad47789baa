package dev.golt.server.transport;

import dev.golt.proto.ForwardCall;
import dev.golt.proto.ForwardReply;
import dev.golt.proto.ForwardRequest;
import dev.golt.proto.ForwardResponse;
import dev.golt.proto.Message;
import dev.golt.proto.RaftTransportGrpc;
import dev.golt.proto.SnapshotAck;
import dev.golt.proto.SnapshotChunk;
import dev.golt.proto.SnapshotProbe;
import dev.golt.proto.StreamAck;
import dev.golt.server.node.Snapshots;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/** Server side of the peer transport. Handlers never block gRPC's event loop: file I/O runs on virtual threads. */
public final class RaftGrpcService extends RaftTransportGrpc.RaftTransportImplBase {

    private static final Logger LOG = Logger.getLogger(RaftGrpcService.class);

    private final Consumer<Message> step;
    private final Snapshots snapshots;
    private final BiFunction<ForwardRequest, BooleanSupplier, CompletableFuture<ForwardResponse>> forward;
    private volatile boolean isolated;

    /** @param forward serves a follower's request, given whether that follower's call has gone away */
    public RaftGrpcService(Consumer<Message> step, Snapshots snapshots,
            BiFunction<ForwardRequest, BooleanSupplier, CompletableFuture<ForwardResponse>> forward) {
        this.step = step;
        this.snapshots = snapshots;
        this.forward = forward;
    }

    /** Fault injection: while isolated, incoming peer calls are refused. */
    public void setIsolated(boolean isolated) {
        this.isolated = isolated;
    }

    @Override
    public StreamObserver<Message> stream(StreamObserver<StreamAck> responseObserver) {
        return new StreamObserver<>() {
            @Override
            public void onNext(Message m) {
                if (isolated) {
                    responseObserver.onError(Status.UNAVAILABLE.withDescription("isolated").asRuntimeException());
                    return;
                }
                step.accept(m);
            }

            @Override
            public void onError(Throwable t) { }

            @Override
            public void onCompleted() {
                responseObserver.onNext(StreamAck.getDefaultInstance());
                responseObserver.onCompleted();
            }
        };
    }

    @Override
    public StreamObserver<SnapshotChunk> installSnapshot(StreamObserver<SnapshotAck> responseObserver) {
        if (isolated) {
            responseObserver.onError(Status.UNAVAILABLE.withDescription("isolated").asRuntimeException());
            return new StreamObserver<>() {
                public void onNext(SnapshotChunk c) { }
                public void onError(Throwable t) { }
                public void onCompleted() { }
            };
        }
        ServerCallStreamObserver<SnapshotAck> out = (ServerCallStreamObserver<SnapshotAck>) responseObserver;
        out.disableAutoRequest();
        ExecutorService io = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("golt-snapshot-recv").factory());
        SnapshotReceiver receiver = new SnapshotReceiver(snapshots);
        out.request(1);
        return new StreamObserver<>() {
            private volatile boolean failed;
            private Message finalMessage;

            @Override
            public void onNext(SnapshotChunk chunk) {
                io.execute(() -> {
                    if (failed) {
                        return;
                    }
                    try {
                        if (receiver.accept(chunk)) {
                            finalMessage = chunk.getMessage();
                        }
                        out.request(1);
                    } catch (Exception e) {
                        failed = true;
                        LOG.warnf("receiving snapshot failed: %s", e.getMessage());
                        out.onNext(SnapshotAck.newBuilder().setAccepted(false).setError(String.valueOf(e.getMessage())).build());
                        out.onCompleted();
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                io.shutdown();
            }

            @Override
            public void onCompleted() {
                io.execute(() -> {
                    if (!failed) {
                        if (finalMessage != null) {
                            step.accept(finalMessage);
                            out.onNext(SnapshotAck.newBuilder().setAccepted(true).build());
                        } else {
                            out.onNext(SnapshotAck.newBuilder().setAccepted(false).setError("stream ended before its final chunk").build());
                        }
                        out.onCompleted();
                    }
                });
                io.shutdown();
            }
        };
    }

    @Override
    public void probeSnapshot(SnapshotProbe request, StreamObserver<SnapshotAck> responseObserver) {
        Thread.ofVirtual().start(() -> {
            try {
                responseObserver.onNext(SnapshotReceiver.probe(snapshots, request.getSnapshotIndex(), request.getSnapshotTerm()));
                responseObserver.onCompleted();
            } catch (Exception e) {
                responseObserver.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
            }
        });
    }

    @Override
    public StreamObserver<ForwardCall> forwardStream(StreamObserver<ForwardReply> responseObserver) {
        ServerCallStreamObserver<ForwardReply> out = (ServerCallStreamObserver<ForwardReply>) responseObserver;
        AtomicBoolean open = new AtomicBoolean(true);
        out.setOnCancelHandler(() -> open.set(false));
        return new StreamObserver<>() {
            @Override
            public void onNext(ForwardCall call) {
                CompletableFuture<ForwardResponse> response = isolated
                        ? CompletableFuture.completedFuture(ForwardResponse.newBuilder()
                                .setStatus(ForwardResponse.Status.UNAVAILABLE).setError("isolated").build())
                        : forward.apply(call.getRequest(), () -> !open.get());
                response.whenComplete((r, e) -> {
                    ForwardResponse answer = e == null ? r : ForwardResponse.newBuilder()
                            .setStatus(ForwardResponse.Status.TIMEOUT).setError(e.toString()).build();
                    ForwardReply reply = ForwardReply.newBuilder().setId(call.getId()).setResponse(answer).build();
                    // replies complete on the driver thread and on event loops: one writer at a time
                    synchronized (out) {
                        if (open.get()) {
                            out.onNext(reply);
                        }
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                open.set(false);
            }

            @Override
            public void onCompleted() {
                synchronized (out) {
                    if (open.getAndSet(false)) {
                        out.onCompleted();
                    }
                }
            }
        };
    }

    @Override
    public void forward(ForwardRequest request, StreamObserver<ForwardResponse> responseObserver) {
        if (isolated) {
            responseObserver.onError(Status.UNAVAILABLE.withDescription("isolated").asRuntimeException());
            return;
        }
        Context call = Context.current();
        forward.apply(request, call::isCancelled).whenComplete((r, e) -> {
            if (e != null) {
                responseObserver.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            } else {
                responseObserver.onNext(r);
                responseObserver.onCompleted();
            }
        });
    }
}
