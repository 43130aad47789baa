// LeaseSession: what `golt lock` and `golt elect` hold something by, as etcdctl's
// concurrency.Session: a lease of their own, kept alive in the background, revoked when done;
// plus a watch on the held key, so a key deleted by anyone ends the hold at once.
package dev.golt.cli;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrantResponse;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseRevokeRequest;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

final class LeaseSession implements AutoCloseable {

    private final Channel channel;
    private final Duration timeout;
    private final long id;
    private final LeaseKeeper keeper;
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private Thread guard;

    private LeaseSession(Channel channel, Duration timeout, long id, long ttl, long validUntilNanos) {
        this.channel = channel;
        this.timeout = timeout;
        this.id = id;
        this.keeper = new LeaseKeeper(channel, id, ttl, validUntilNanos, r -> {}).start();
        keeper.lost().thenAccept(loss -> lost.complete(loss.why()));
    }

    /** Grants a lease of {@code ttlSeconds} and starts keeping it alive. */
    static LeaseSession grant(Channel channel, long ttlSeconds, Duration timeout) {
        long sent = System.nanoTime();
        LeaseGrantResponse r = LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build());
        if (!r.getError().isEmpty()) {
            throw new CliException(ExitCodes.SERVER_ERROR, "lease grant: " + r.getError());
        }
        return new LeaseSession(channel, timeout, r.getID(), r.getTTL(), sent + TimeUnit.SECONDS.toNanos(r.getTTL()));
    }

    long id() {
        return id;
    }

    /** From now on, the deletion of {@code key} (after {@code revision}) also counts as losing the hold. */
    void guard(ByteString key, long revision) {
        WatchCreateRequest create = WatchCreateRequest.newBuilder().setKey(key).setStartRevision(revision + 1).build();
        guard = Thread.ofPlatform().daemon().name("golt-key-guard").start(() -> {
            try (WatchStream watch = new WatchStream(channel, create, timeout)) {
                while (!lost.isDone()) {
                    WatchResponse r = watch.next();
                    for (Event e : r.getEventsList()) {
                        if (e.getType() == Event.EventType.DELETE) {
                            lost.complete("key " + key.toStringUtf8() + " was deleted (lease revoked or expired, or deleted by someone)");
                        }
                    }
                }
            } catch (InterruptedException | RuntimeException stopped) {
                // the keep-alive still guards the hold
            }
        });
    }

    /** Completes with the reason once the hold is, or may be, lost. */
    CompletableFuture<String> lost() {
        return lost;
    }

    /** Stops keeping the lease alive and revokes it: whatever it held is released at once. */
    @Override
    public void close() {
        keeper.close();
        if (guard != null) {
            guard.interrupt();
        }
        try {
            LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
        } catch (StatusRuntimeException ignored) {
            // gone already, or unreachable: then it expires within its TTL
        }
    }
}
