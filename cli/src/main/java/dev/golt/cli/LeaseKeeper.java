// LeaseKeeper: keeps one etcd lease alive over a LeaseKeepAlive stream (a keep-alive every third of
// the TTL, as clientv3 sends them) and says when the lease is or may be gone.
package dev.golt.cli;

import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseKeepAliveRequest;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lease counts as lost when a keep-alive answers TTL 0 (it expired or was revoked), or when no
 * answer has renewed it and its last known expiry, counted from when the renewing request was
 * sent, is less than a margin (a fifth of the TTL, at most 1 s) away: past that point the server
 * may have let it go, and whoever holds something by it must stop. A broken stream is reopened
 * at the next keep-alive.
 */
final class LeaseKeeper implements AutoCloseable {

    /** Why the lease is taken for lost: {@code expired} if the server said so, else it was not renewed in time. */
    record Loss(boolean expired, String why) {}

    private static final long CHECK_MS = 100;

    private final LeaseGrpc.LeaseStub stub;
    private final long id;
    private final Consumer<LeaseKeepAliveResponse> onRenewed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "golt-lease-keepalive");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Loss> lost = new CompletableFuture<>();
    private final Deque<Long> sentAt = new ArrayDeque<>();
    private ClientCallStreamObserver<LeaseKeepAliveRequest> stream;
    private long ttlSeconds;
    private long lastSent;
    private long expiresAtNanos;

    /**
     * {@code ttlSeconds}: the lease's TTL as known now (each answer updates it); {@code
     * validUntilNanos}: its expiry as known now (e.g. the grant's send time plus its TTL), after
     * which, unrenewed, it counts as lost; {@code onRenewed} sees every answer that renewed it.
     */
    LeaseKeeper(Channel channel, long id, long ttlSeconds, long validUntilNanos, Consumer<LeaseKeepAliveResponse> onRenewed) {
        this.stub = LeaseGrpc.newStub(channel);
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.expiresAtNanos = validUntilNanos;
        this.onRenewed = onRenewed;
    }

    /** Sends the first keep-alive now, then one every third of the TTL. */
    LeaseKeeper start() {
        timer.scheduleWithFixedDelay(this::tick, 0, CHECK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Completes once the lease is, or may be, gone. */
    CompletableFuture<Loss> lost() {
        return lost;
    }

    private synchronized void tick() {
        long now = System.nanoTime();
        long ttlMs = ttlSeconds * 1000;
        if (now >= expiresAtNanos - TimeUnit.MILLISECONDS.toNanos(Math.min(1000, ttlMs / 5))) {
            lose(false, "lease " + LeaseIds.format(id) + " was not renewed in time (it may have expired)");
            return;
        }
        if (lastSent != 0 && now - lastSent < TimeUnit.MILLISECONDS.toNanos(Math.max(500, ttlMs / 3))) {
            return;
        }
        lastSent = now;
        if (stream == null) {
            Answers answers = new Answers();
            stub.leaseKeepAlive(answers);
            stream = answers.requests;
            sentAt.clear();
        }
        sentAt.add(now);
        stream.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    }

    private synchronized void answered(LeaseKeepAliveResponse r, ClientCallStreamObserver<LeaseKeepAliveRequest> from) {
        if (from != stream || lost.isDone()) {
            return;
        }
        Long sent = sentAt.poll();
        if (r.getTTL() <= 0) {
            lose(true, "lease " + LeaseIds.format(id) + " expired or was revoked");
            return;
        }
        ttlSeconds = r.getTTL();
        if (sent != null) {
            expiresAtNanos = Math.max(expiresAtNanos, sent + TimeUnit.SECONDS.toNanos(r.getTTL()));
        }
        onRenewed.accept(r);
    }

    private synchronized void broken(ClientCallStreamObserver<LeaseKeepAliveRequest> from) {
        if (from == stream) {
            stream = null;
            lastSent = 0;
        }
    }

    private void lose(boolean expired, String why) {
        if (lost.complete(new Loss(expired, why))) {
            timer.shutdown();
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (stream != null) {
            stream.cancel("lease no longer kept alive", null);
            stream = null;
        }
    }

    /** One keep-alive stream's answers. */
    private final class Answers implements ClientResponseObserver<LeaseKeepAliveRequest, LeaseKeepAliveResponse> {
        volatile ClientCallStreamObserver<LeaseKeepAliveRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<LeaseKeepAliveRequest> requestStream) {
            requests = requestStream;
        }

        @Override
        public void onNext(LeaseKeepAliveResponse value) {
            answered(value, requests);
        }

        @Override
        public void onError(Throwable t) {
            broken(requests);
        }

        @Override
        public void onCompleted() {
            broken(requests);
        }
    }
}
