// DeleteWaiter: waits for the waiters queued ahead of a key to go away; etcd's waitDelete and
// waitDeletes (client/v3/concurrency/key.go).
package dev.golt.server.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchResponse;

/**
 * Each round looks up the newest waiter created at or before {@code maxCreateRevision} and watches
 * that one key for its deletion: every waiter watches only its predecessor, so a release wakes one
 * waiter, not the whole queue.
 */
final class DeleteWaiter {

    private DeleteWaiter() {}

    /** Returns once no key under {@code prefix} has a create revision of {@code maxCreateRevision} or less. */
    static void waitDeletes(V3Client client, ByteString prefix, long maxCreateRevision) {
        while (true) {
            RangeResponse resp = client.range(Requests.lastCreate(prefix, maxCreateRevision));
            if (resp.getKvsCount() == 0) {
                return;
            }
            waitDelete(client, resp.getKvs(0).getKey(), resp.getHeader().getRevision());
        }
    }

    /** Returns when {@code key} is deleted at {@code revision} or later. */
    static void waitDelete(V3Client client, ByteString key, long revision) {
        WatchCreateRequest create = WatchCreateRequest.newBuilder().setKey(key).setStartRevision(revision).build();
        try (KeyWatch watch = client.watch(create)) {
            for (WatchResponse r = watch.next(); r != null; r = watch.next()) {
                for (Event e : r.getEventsList()) {
                    if (e.getType() == Event.EventType.DELETE) {
                        return;
                    }
                }
            }
        }
        throw ConcurrencyErrors.LOST_WATCHER.asRuntimeException();
    }
}
