// LeaseKeeperTest: a lease counts as lost as soon as the server says it is gone, and before its
// last known expiry when no keep-alive renews it (a server that stopped answering).
package dev.golt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseKeepAliveRequest;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaseKeeperTest {

    private Server server;
    private ManagedChannel channel;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    /** A Lease service whose keep-alive answers each request with {@code answer} (null: no answer). */
    private ManagedChannel serve(Function<LeaseKeepAliveRequest, LeaseKeepAliveResponse> answer) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new LeaseGrpc.LeaseImplBase() {
            @Override
            public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseKeepAliveRequest r) {
                        requests.incrementAndGet();
                        LeaseKeepAliveResponse a = answer.apply(r);
                        if (a != null) {
                            out.onNext(a);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                };
            }
        }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        return channel;
    }

    @Test
    void aLeaseTheServerNoLongerRenewsIsLostBeforeItsLastKnownExpiry() throws Exception {
        serve(r -> null);
        long start = System.nanoTime();
        long ttl = 2;
        try (LeaseKeeper k = new LeaseKeeper(channel, 7, ttl, start + TimeUnit.SECONDS.toNanos(ttl), r -> {}).start()) {
            LeaseKeeper.Loss loss = k.lost().get(5, TimeUnit.SECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(loss.expired()).isFalse();
            assertThat(loss.why()).contains("not renewed in time");
            assertThat(elapsedMs).isLessThan(ttl * 1000).isGreaterThanOrEqualTo(ttl * 1000 - 500);
        }
    }

    @Test
    void aLeaseTheServerAnswersWithTtlZeroIsLostAtOnceAsExpired() throws Exception {
        serve(r -> LeaseKeepAliveResponse.newBuilder().setID(r.getID()).setTTL(0).build());
        try (LeaseKeeper k = new LeaseKeeper(channel, 7, 30, System.nanoTime() + TimeUnit.SECONDS.toNanos(30), r -> {}).start()) {
            assertThat(k.lost().get(2, TimeUnit.SECONDS).expired()).isTrue();
        }
    }

    @Test
    void keepAlivesGoOutAboutEveryThirdOfTheTtlAndEachAnswerPushesTheExpiryOut() throws Exception {
        serve(r -> LeaseKeepAliveResponse.newBuilder().setID(r.getID()).setTTL(2).build());
        try (LeaseKeeper k = new LeaseKeeper(channel, 7, 2, System.nanoTime() + TimeUnit.SECONDS.toNanos(2), r -> {}).start()) {
            Thread.sleep(3_500);
            assertThat(k.lost()).isNotDone();
            assertThat(requests.get()).isBetween(4, 8);
        }
    }
}
