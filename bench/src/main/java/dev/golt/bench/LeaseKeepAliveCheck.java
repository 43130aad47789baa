package dev.golt.bench;

import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrantResponse;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseKeepAliveRequest;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The cost of keeping many leases alive: N leases granted on the leader through etcd's v3 Lease
 * API, then each one kept alive every TTL/3 (what etcd's clientv3 does) over a few LeaseKeepAlive
 * streams, while the leader's CPU is measured; compared with the leader's CPU over an idle window
 * before the first grant. A plain gRPC client on the stubs of the etcd-api module, no Go.
 */
public final class LeaseKeepAliveCheck {

    /** Keep-alive streams the leases are spread over (clientv3 uses one per client). */
    static final int STREAMS = 10;
    /** The sender's period: every lease is due once per TTL/3, its sends spread over these ticks. */
    private static final long TICK_MS = 100;
    private static final int GRANTS_IN_FLIGHT = 128;
    /** Grants stop after this many failures (a cluster that cannot grant would otherwise take minutes to say so). */
    private static final int MAX_FAILED_GRANTS = 100;

    /**
     * @param idleLeaderCores    the leader's CPU (cores: CPU seconds per second) before any lease existed
     * @param leaderCores        the leader's CPU over the window, all leases kept alive
     * @param keepAlivesAnswered keep-alive answers received in the window (all streams)
     * @param expired            answers with TTL 0 (the lease was gone) over the whole check
     * @param streamRestarts     keep-alive streams that failed and were opened again; {@code streamError} the first failure
     * @param error              why the check's numbers do not hold (failed grants, lost leases, no answers), or null
     */
    public record Result(int leases, int granted, int ttlSeconds, double grantSeconds, double windowSeconds,
                         double idleLeaderCores, double leaderCores, double idleClusterCores, double clusterCores,
                         long keepAlivesSent, long keepAlivesAnswered, long expired, int streamRestarts,
                         String streamError, double leaderRssBeforeMiB, double leaderRssAfterMiB, String error) {

        /** Leader cores per 1,000 leases over its idle CPU. */
        public double leaderCoresPerThousand() {
            return granted == 0 ? Double.NaN : (leaderCores - idleLeaderCores) / (granted / 1000.0);
        }

        public double keepAlivesPerSecond() {
            return keepAlivesAnswered / windowSeconds;
        }
    }

    private LeaseKeepAliveCheck() {}

    /**
     * @param leaderGrpc the leader's gRPC address, {@code leaderId} its member id
     * @param leaderNow  asks the cluster for its leader's member id at the end: if it moved, the
     *                   measured process was not the leader all along and the result says so
     */
    public static Result run(String leaderId, String leaderGrpc, long leaderPid, List<Long> pids, int leases, int ttlSeconds,
                             Duration idle, Duration window, java.util.function.Supplier<String> leaderNow,
                             Consumer<String> log) {
        int colon = leaderGrpc.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(leaderGrpc.substring(0, colon),
                Integer.parseInt(leaderGrpc.substring(colon + 1))).usePlaintext().build();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-keepalive-sender");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<String> error = new AtomicReference<>();
        List<StreamObserver<LeaseKeepAliveRequest>> streams = new ArrayList<>();
        try {
            double rssBefore = ProcStats.residentMiB(leaderPid);
            double l0 = ProcStats.cpuSeconds(leaderPid);
            double c0 = ProcStats.cpuSeconds(pids);
            long t0 = System.nanoTime();
            LocalCluster.sleep(idle.toMillis());
            double idleSeconds = (System.nanoTime() - t0) / 1e9;
            double idleLeader = (ProcStats.cpuSeconds(leaderPid) - l0) / idleSeconds;
            double idleCluster = (ProcStats.cpuSeconds(pids) - c0) / idleSeconds;

            AtomicLong answered = new AtomicLong();
            AtomicLong expired = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicInteger restarts = new AtomicInteger();
            AtomicReference<String> streamError = new AtomicReference<>();
            LeaseGrpc.LeaseStub stub = LeaseGrpc.newStub(channel);
            int streamCount = Math.min(STREAMS, leases);
            java.util.concurrent.atomic.AtomicIntegerArray broken = new java.util.concurrent.atomic.AtomicIntegerArray(streamCount);
            // Like clientv3, a stream that fails (e.g. "no leader" during an election) is opened again
            // (by the sender, which owns the streams); the failures are counted and reported.
            java.util.function.IntFunction<StreamObserver<LeaseKeepAliveRequest>> open = index ->
                    stub.leaseKeepAlive(new StreamObserver<>() {
                        @Override
                        public void onNext(LeaseKeepAliveResponse r) {
                            answered.incrementAndGet();
                            if (r.getTTL() <= 0) {
                                expired.incrementAndGet();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            streamError.compareAndSet(null, t.toString());
                            broken.set(index, 1);
                        }

                        @Override
                        public void onCompleted() {
                            streamError.compareAndSet(null, "the server ended a keep-alive stream");
                            broken.set(index, 1);
                        }
                    });
            for (int i = 0; i < streamCount; i++) {
                streams.add(open.apply(i));
            }

            // Leases are kept alive from the moment they are granted: lease j is due in slot j % slots.
            AtomicLongArray ids = new AtomicLongArray(leases);
            AtomicInteger granted = new AtomicInteger();
            long intervalMs = ttlSeconds * 1000L / 3;
            int slots = (int) Math.max(1, intervalMs / TICK_MS);
            AtomicLong tick = new AtomicLong();
            sender.scheduleAtFixedRate(() -> {
                for (int i = 0; i < streams.size(); i++) {
                    if (broken.compareAndSet(i, 1, 0)) {
                        restarts.incrementAndGet();
                        streams.set(i, open.apply(i));
                    }
                }
                int slot = (int) (tick.getAndIncrement() % slots);
                int n = granted.get();
                for (int j = slot; j < n; j += slots) {
                    streams.get(j % streams.size()).onNext(LeaseKeepAliveRequest.newBuilder().setID(ids.get(j)).build());
                    sent.incrementAndGet();
                }
            }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);

            long g0 = System.nanoTime();
            Semaphore inFlight = new Semaphore(GRANTS_IN_FLIGHT);
            AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < leases && failed.get() < MAX_FAILED_GRANTS; i++) {
                inFlight.acquireUninterruptibly();
                stub.withDeadlineAfter(10, TimeUnit.SECONDS).leaseGrant(
                        LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build(), new StreamObserver<>() {
                            @Override
                            public void onNext(LeaseGrantResponse r) {
                                if (r.getError().isEmpty() && r.getID() != 0) {
                                    synchronized (ids) {
                                        ids.set(granted.get(), r.getID());
                                        granted.incrementAndGet();
                                    }
                                } else {
                                    failed.incrementAndGet();
                                    error.compareAndSet(null, "LeaseGrant: " + r.getError());
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                failed.incrementAndGet();
                                error.compareAndSet(null, "LeaseGrant failed: " + t);
                                inFlight.release();
                            }

                            @Override
                            public void onCompleted() {
                                inFlight.release();
                            }
                        });
            }
            inFlight.acquireUninterruptibly(GRANTS_IN_FLIGHT);
            double grantSeconds = (System.nanoTime() - g0) / 1e9;
            log.accept(String.format(java.util.Locale.ROOT, "lease check: %d leases granted in %.1f s (%d failed), TTL %d s",
                    granted.get(), grantSeconds, failed.get(), ttlSeconds));

            // One full keep-alive round of every lease before the measured window.
            LocalCluster.sleep(intervalMs);
            long a1 = answered.get();
            long s1 = sent.get();
            double l1 = ProcStats.cpuSeconds(leaderPid);
            double c1 = ProcStats.cpuSeconds(pids);
            long w0 = System.nanoTime();
            LocalCluster.sleep(window.toMillis());
            double windowSeconds = (System.nanoTime() - w0) / 1e9;
            double leader = (ProcStats.cpuSeconds(leaderPid) - l1) / windowSeconds;
            double cluster = (ProcStats.cpuSeconds(pids) - c1) / windowSeconds;
            long a2 = answered.get();
            long s2 = sent.get();
            double rssAfter = ProcStats.residentMiB(leaderPid);
            String err = error.get();
            if (err == null && granted.get() < leases) {
                err = (leases - granted.get()) + " of " + leases + " grants failed";
            }
            if (err == null && expired.get() > 0) {
                err = expired.get() + " keep-alives answered TTL 0 (lease gone)";
            }
            if (err == null && a2 == a1) {
                err = "no keep-alive answered in the window";
            }
            String leaderAfter = leaderNow.get();
            if (err == null && !leaderId.equals(leaderAfter)) {
                err = "leadership moved from " + leaderId + " to " + leaderAfter + " during the check";
            }
            return new Result(leases, granted.get(), ttlSeconds, grantSeconds, windowSeconds, idleLeader, leader,
                    idleCluster, cluster, s2 - s1, a2 - a1, expired.get(), restarts.get(), streamError.get(),
                    rssBefore, rssAfter, err);
        } finally {
            sender.shutdownNow();
            try {
                sender.awaitTermination(5, TimeUnit.SECONDS); // streams are not thread-safe: the sender is done first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (StreamObserver<LeaseKeepAliveRequest> s : streams) {
                try {
                    s.onCompleted();
                } catch (RuntimeException ignored) {
                    // the stream already failed
                }
            }
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
