// LeaderObserver: streams an election's leaders and their proclamations in order; etcd's
// Election.Observe (client/v3/concurrency/election.go observe) as v3election's Observe serves it.
package dev.golt.server.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.LeaderResponse;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.StatusRuntimeException;
import java.util.function.Consumer;

/**
 * Each round sends the current leader (or waits for the first put under the prefix when there is
 * none), then every later value of that leader's key until the key is deleted, then starts over.
 * Not every historical proclamation is sent, but always the latest one. As etcd's server does, the
 * stream ends normally when a read or watch fails, and with the caller's cancellation when it has
 * gone.
 */
final class LeaderObserver {

    private final V3Client client;
    private final ByteString prefix;

    LeaderObserver(V3Client client, ByteString name) {
        this.client = client;
        this.prefix = Requests.prefixOf(name);
    }

    /**
     * Runs until the observation ends, handing each response to {@code sink} (which may block while
     * the client is not ready for more); throws only the caller's cancellation.
     */
    void observe(Consumer<LeaderResponse> sink) {
        try {
            while (observeOneLeader(sink)) {
                // next leader
            }
        } catch (StatusRuntimeException e) {
            V3Client.checkNotCancelled();
        }
    }

    /** Returns true when the leader's key was deleted, false when the watch ended. */
    private boolean observeOneLeader(Consumer<LeaderResponse> sink) {
        RangeResponse resp = client.range(Requests.firstCreate(prefix));
        LeaderResponse first = resp.getKvsCount() > 0 ? leader(resp.getHeader(), resp.getKvs(0))
                : firstPut(resp.getHeader().getRevision());
        if (first == null) {
            return false;
        }
        sink.accept(first);
        KeyValue kv = first.getKv();
        WatchCreateRequest create = WatchCreateRequest.newBuilder().setKey(kv.getKey())
                .setStartRevision(first.getHeader().getRevision() + 1).build();
        try (KeyWatch watch = client.watch(create)) {
            for (WatchResponse r = watch.next(); r != null; r = watch.next()) {
                for (Event e : r.getEventsList()) {
                    if (e.getType() == Event.EventType.DELETE) {
                        return true;
                    }
                    sink.accept(leader(r.getHeader(), e.getKv()));
                }
            }
        }
        return false;
    }

    /** Waits for the first put under the prefix; its header's revision is the put's. */
    private LeaderResponse firstPut(long revision) {
        WatchCreateRequest create = WatchCreateRequest.newBuilder().setKey(prefix)
                .setRangeEnd(Requests.prefixEnd(prefix)).setStartRevision(revision).build();
        try (KeyWatch watch = client.watch(create)) {
            for (WatchResponse r = watch.next(); r != null; r = watch.next()) {
                for (Event e : r.getEventsList()) {
                    if (e.getType() == Event.EventType.PUT) {
                        return leader(r.getHeader().toBuilder().setRevision(e.getKv().getModRevision()).build(), e.getKv());
                    }
                }
            }
        }
        return null;
    }

    private static LeaderResponse leader(ResponseHeader header, KeyValue kv) {
        return LeaderResponse.newBuilder().setHeader(header).setKv(kv).build();
    }
}
