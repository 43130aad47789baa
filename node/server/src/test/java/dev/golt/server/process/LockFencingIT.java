package dev.golt.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseKeepAliveRequest;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import dev.golt.etcd.api.LeaseRevokeRequest;
import dev.golt.etcd.api.LeaseTimeToLiveRequest;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.RequestOp;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Locks and fencing tokens under faults, through the etcd v3 API of real node processes: clients
 * take a lock the way etcd's concurrency package does (a key under the lock's prefix attached to
 * their lease; the holder is the lowest create revision; its create revision is the fencing token)
 * and write a protected resource only in a transaction guarded by their own lock key, while the
 * nemesis kills, pauses and partitions the nodes. Afterwards the resource's whole history, read
 * back revision by revision, never goes backwards in fencing token — two holders never both acted
 * with a token the other had superseded, whatever the outcome their clients saw. Then, with the
 * faults over, a holder that stops renewing its lease (a paused client) loses the lock: its lease
 * expires, the next waiter takes over, and the paused holder's guarded write is refused.
 */
class LockFencingIT {

    private static final int CLIENTS = 4;
    private static final long TTL = 3;
    private static final ByteString RESOURCE = bytes("resource");
    private static final String PREFIX = "lock/";

    @Test
    void fencingTokensNeverGoBackwardsAndAPausedHolderLosesTheLock() throws Exception {
        FaultRuns.underNemesis("LockFencingIT", LockFencingIT::run);
    }

    private static void run(NodeProcesses c, Nemesis nemesis, long seed) throws Exception {
        for (String id : c.ids()) {
            c.start(id);
        }
        c.awaitLeader(Duration.ofSeconds(90));
        List<ManagedChannel> channels = new ArrayList<>();
        for (String id : c.ids()) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", c.grpcPort(id)).usePlaintext().build());
        }
        try {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger guardedWrites = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                Random rnd = new Random(seed + i);
                running.add(clients.submit(() -> {
                    while (!stop.get()) {
                        Locker l = new Locker(channels.get((client + rnd.nextInt(3)) % channels.size()), client);
                        try {
                            if (l.acquire(stop)) {
                                for (int w = 0; w < 3 && !stop.get(); w++) {
                                    if (l.guardedWrite()) {
                                        guardedWrites.incrementAndGet();
                                    }
                                }
                            }
                        } catch (RuntimeException fault) {
                            sleep(100); // a node down or no leader: try again, maybe elsewhere
                        } finally {
                            l.release();
                        }
                    }
                    return null;
                }));
            }
            nemesis.run(FaultRuns.duration());
            FaultRuns.say("LockFencingIT", "faults over:\n  %s", String.join("\n  ", nemesis.log()));
            c.awaitLeader(Duration.ofSeconds(120));
            // A channel to a node that was down waits out its reconnect backoff (seconds after a
            // kill) and fails calls fast meanwhile; the healed nodes are up now.
            channels.forEach(ManagedChannel::resetConnectBackoff);
            FaultRuns.awaitProgress("guarded writes", guardedWrites::get, 5);
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : running) {
                f.get();
            }
            List<Long> tokens = history(KVGrpc.newBlockingStub(channels.get(0)).withWaitForReady()
                    .withDeadlineAfter(60, TimeUnit.SECONDS));
            FaultRuns.say("LockFencingIT", "%d guarded writes acknowledged, %d applied", guardedWrites.get(), tokens.size());
            assertThat(tokens).as("fencing tokens of the resource's writes in revision order").isSorted();
            assertThat(tokens.size()).isGreaterThanOrEqualTo(guardedWrites.get());

            pausedHolderLosesTheLock(channels);
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private static void pausedHolderLosesTheLock(List<ManagedChannel> channels) throws Exception {
        AtomicBoolean never = new AtomicBoolean();
        Locker holder = acquired(channels.get(0), 100);
        Locker waiter = new Locker(channels.get(1), 101);
        assertThat(holder.guardedWrite()).isTrue();
        holder.pause();
        ExecutorService w = Executors.newSingleThreadExecutor();
        Future<Boolean> acquired = w.submit(() -> waiter.acquire(never));
        // The paused holder's lease expires (TTL, plus an election timeout if the leader changed).
        assertThat(acquired.get(60, TimeUnit.SECONDS)).isTrue();
        assertThat(holder.leaseTtl()).isEqualTo(-1);
        assertThat(holder.guardedWrite()).as("the paused holder's write after losing the lock").isFalse();
        assertThat(waiter.guardedWrite()).isTrue();
        waiter.release();
        w.shutdownNow();
    }

    /** A lock held by a new client, retried while the healed cluster still settles (a leader change, a slow node). */
    private static Locker acquired(ManagedChannel channel, int client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Locker l = new Locker(channel, client);
            try {
                if (l.acquire(new AtomicBoolean())) {
                    return l;
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            l.release();
            Thread.sleep(200);
        }
    }

    /** The fencing token of every version of the resource, oldest first, read back revision by revision. */
    private static List<Long> history(KVGrpc.KVBlockingStub kv) {
        List<Long> tokens = new ArrayList<>();
        RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(RESOURCE).build());
        while (r.getKvsCount() > 0) {
            KeyValue v = r.getKvs(0);
            tokens.addFirst(Long.parseLong(v.getValue().toStringUtf8().split(":")[0]));
            if (v.getModRevision() <= 1) {
                break;
            }
            r = kv.range(RangeRequest.newBuilder().setKey(RESOURCE).setRevision(v.getModRevision() - 1).build());
        }
        return tokens;
    }

    /** One attempt at the lock: etcd's concurrency.Mutex over the raw KV and Lease services. */
    private static final class Locker {
        private final KVGrpc.KVBlockingStub kv;
        private final LeaseGrpc.LeaseBlockingStub leases;
        private final LeaseGrpc.LeaseStub leaseStream;
        private final int client;
        private long lease;
        private ByteString key;
        private long token;
        private StreamObserver<LeaseKeepAliveRequest> keepAlive;
        private final java.util.concurrent.ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor();

        Locker(ManagedChannel channel, int client) {
            // Wait for a connection (within each call's deadline) rather than fail fast while the
            // channel backs off from a node that was down.
            this.kv = KVGrpc.newBlockingStub(channel).withWaitForReady();
            this.leases = LeaseGrpc.newBlockingStub(channel).withWaitForReady();
            this.leaseStream = LeaseGrpc.newStub(channel);
            this.client = client;
        }

        private KVGrpc.KVBlockingStub kv() {
            return kv.withDeadlineAfter(5, TimeUnit.SECONDS);
        }

        boolean acquire(AtomicBoolean stop) {
            lease = leases.withDeadlineAfter(5, TimeUnit.SECONDS).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(TTL).build()).getID();
            keepAlive = leaseStream.leaseKeepAlive(new StreamObserver<LeaseKeepAliveResponse>() {
                public void onNext(LeaseKeepAliveResponse r) {}

                public void onError(Throwable t) {}

                public void onCompleted() {}
            });
            renewals.scheduleAtFixedRate(() -> {
                try {
                    keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(lease).build());
                } catch (RuntimeException ignored) {
                    // the stream broke; the lease may expire, which the test allows
                }
            }, 0, TTL * 1000 / 3, TimeUnit.MILLISECONDS);
            key = bytes(PREFIX + Long.toHexString(lease));
            TxnResponse t = kv().txn(TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setLease(lease)))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                    .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                    .build());
            token = t.getResponses(t.getResponsesCount() - 1).getResponseRange().getKvs(0).getCreateRevision();
            while (!stop.get()) {
                RangeResponse first = kv().range(RangeRequest.newBuilder().setKey(bytes(PREFIX)).setRangeEnd(bytes("lock0"))
                        .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.ASCEND)
                        .setLimit(1).build());
                if (first.getKvsCount() == 0) {
                    return false; // our own key is gone: the lease expired while waiting
                }
                if (first.getKvs(0).getKey().equals(key)) {
                    return true;
                }
                if (kv().range(RangeRequest.newBuilder().setKey(key).build()).getKvsCount() == 0) {
                    return false;
                }
                sleep(50);
            }
            return false;
        }

        /** Writes the resource only if this client's lock key is still the one it created. */
        boolean guardedWrite() {
            return kv().txn(TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(token))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(RESOURCE)
                            .setValue(bytes(token + ":" + client))))
                    .build()).getSucceeded();
        }

        void pause() {
            renewals.shutdownNow();
        }

        long leaseTtl() {
            return leases.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(lease).build()).getTTL();
        }

        void release() {
            renewals.shutdownNow();
            try {
                if (keepAlive != null) {
                    keepAlive.onCompleted();
                }
                if (key != null) {
                    kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(key).build());
                }
                if (lease != 0) {
                    leases.withDeadlineAfter(5, TimeUnit.SECONDS).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
                }
            } catch (RuntimeException ignored) {
                // the lease expires by itself
            }
        }
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
