// KeyWatchTest: a watch stream that breaks is resumed from the revision after the last event
// read, as clientv3 resumes it; a watch the server cancels for compaction fails with etcd's error.
package dev.golt.server.etcd.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchGrpc;
import dev.golt.etcd.api.WatchRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyWatchTest {

    private Server server;
    private ManagedChannel channel;
    private final List<Long> startRevisions = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    /** A Watch service that answers the n-th stream (0-based) with {@code script}. */
    private WatchGrpc.WatchStub serve(BiConsumer<Integer, StreamObserver<WatchResponse>> script) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new WatchGrpc.WatchImplBase() {
            @Override
            public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(WatchRequest r) {
                        startRevisions.add(r.getCreateRequest().getStartRevision());
                        script.accept(startRevisions.size() - 1, out);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                };
            }
        }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        return WatchGrpc.newStub(channel);
    }

    private static WatchResponse created() {
        return WatchResponse.newBuilder().setCreated(true).setHeader(ResponseHeader.newBuilder().setRevision(9)).build();
    }

    private static WatchResponse put(long modRevision) {
        return WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(modRevision))
                .addEvents(Event.newBuilder().setType(Event.EventType.PUT)
                        .setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setModRevision(modRevision)))
                .build();
    }

    private static final WatchCreateRequest FROM_5 = WatchCreateRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("k")).setStartRevision(5).build();

    @Test
    void aStreamThatBecomesUnavailableIsReopenedAfterTheLastEventRead() throws Exception {
        WatchGrpc.WatchStub stub = serve((n, out) -> {
            out.onNext(created());
            if (n == 0) {
                out.onNext(put(7));
                out.onError(Status.UNAVAILABLE.withDescription("leader changed").asRuntimeException());
            } else {
                out.onNext(put(8));
            }
        });
        try (KeyWatch w = KeyWatch.open(stub, FROM_5)) {
            assertThat(w.next().getEvents(0).getKv().getModRevision()).isEqualTo(7);
            assertThat(w.next().getEvents(0).getKv().getModRevision()).isEqualTo(8);
        }
        assertThat(startRevisions).containsExactly(5L, 8L);
    }

    @Test
    void aWatchTheServerCancelsForCompactionFailsWithEtcdsCompactedError() throws Exception {
        WatchGrpc.WatchStub stub = serve((n, out) -> {
            out.onNext(created());
            out.onNext(WatchResponse.newBuilder().setCanceled(true).setCompactRevision(6).build());
        });
        try (KeyWatch w = KeyWatch.open(stub, FROM_5)) {
            assertThatThrownBy(w::next).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
                assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: mvcc: required revision has been compacted");
            });
        }
    }

    @Test
    void anyOtherStreamFailureEndsTheWatchWithThatFailure() throws Exception {
        WatchGrpc.WatchStub stub = serve((n, out) -> out.onError(Status.PERMISSION_DENIED.withDescription("no").asRuntimeException()));
        try (KeyWatch w = KeyWatch.open(stub, FROM_5)) {
            assertThatThrownBy(w::next).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        }
        assertThat(startRevisions).containsExactly(5L);
    }
}
