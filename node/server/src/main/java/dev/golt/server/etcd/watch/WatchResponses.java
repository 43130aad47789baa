package dev.golt.server.etcd.watch;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.WatchResponse;
import dev.golt.storage.mvcc.Event;
import java.util.ArrayList;
import java.util.List;

/** The watch responses etcd sends, made from the store's records; and etcd's fragmenting of large ones. */
final class WatchResponses {

    /** Per event, what a queue counts beside its keys and values: revisions, version, lease, framing. */
    static final int EVENT_OVERHEAD = 48;

    private WatchResponses() {}

    static WatchResponse created(long watchId) {
        return WatchResponse.newBuilder().setWatchId(watchId).setCreated(true).build();
    }

    /** A create etcd refuses: created and canceled at once, with no id. */
    static WatchResponse refused(String reason) {
        return WatchResponse.newBuilder().setWatchId(WatchSpec.INVALID_ID).setCreated(true).setCanceled(true)
                .setCancelReason(reason).build();
    }

    static WatchResponse canceled(long watchId) {
        return WatchResponse.newBuilder().setWatchId(watchId).setCanceled(true).build();
    }

    /** The watcher's next revision was compacted away: it ends, and the client may resume from there. */
    static WatchResponse compacted(long watchId, long compactRevision) {
        return WatchResponse.newBuilder().setWatchId(watchId).setCanceled(true).setCompactRevision(compactRevision)
                .build();
    }

    /** No events: "you have everything up to the header's revision" (watch id -1: every watcher of the stream). */
    static WatchResponse progress(long watchId) {
        return WatchResponse.newBuilder().setWatchId(watchId).build();
    }

    static WatchResponse withHeader(WatchResponse r, ResponseHeader header) {
        return r.toBuilder().setHeader(header).build();
    }

    static WatchResponse events(Outbound.Events e, ResponseHeader header) {
        WatchResponse.Builder b = WatchResponse.newBuilder().setHeader(header).setWatchId(e.watcher().id);
        boolean withPrev = e.watcher().spec.prevKv();
        for (Event ev : e.events()) {
            b.addEvents(toProto(ev, withPrev));
        }
        return b.build();
    }

    static dev.golt.etcd.api.Event toProto(Event e, boolean withPrev) {
        dev.golt.etcd.api.Event.Builder b = dev.golt.etcd.api.Event.newBuilder()
                .setType(e.type() == Event.Type.PUT ? dev.golt.etcd.api.Event.EventType.PUT
                        : dev.golt.etcd.api.Event.EventType.DELETE)
                .setKv(toProto(e.kv()));
        if (withPrev && e.prevKv() != null) {
            b.setPrevKv(toProto(e.prevKv()));
        }
        return b.build();
    }

    static KeyValue toProto(dev.golt.storage.mvcc.KeyValue kv) {
        return KeyValue.newBuilder().setKey(ByteString.copyFrom(kv.key()))
                .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision()).setVersion(kv.version())
                .setValue(ByteString.copyFrom(kv.value())).setLease(kv.lease()).build();
    }

    /** What {@code events} weigh in a send queue: keys and values (previous versions when sent) plus overhead. */
    static long bytes(List<Event> events, boolean withPrev) {
        long n = 0;
        for (Event e : events) {
            n += bytes(e, withPrev);
        }
        return n;
    }

    static long bytes(Event e, boolean withPrev) {
        long n = EVENT_OVERHEAD + e.kv().key().length + e.kv().value().length;
        if (withPrev && e.prevKv() != null) {
            n += EVENT_OVERHEAD / 2 + e.prevKv().key().length + e.prevKv().value().length;
        }
        return n;
    }

    /**
     * etcd's {@code sendFragments}: a response of at least {@code maxBytes} with two or more events is
     * cut into responses of fewer than {@code maxBytes} (a single event may exceed it), each marked
     * {@code fragment} but the last. Sizes are counted as protobuf encodes them, without re-encoding
     * the growing response for each event as etcd does.
     */
    static List<WatchResponse> fragments(WatchResponse wr, int maxBytes) {
        if (wr.getSerializedSize() < maxBytes || wr.getEventsCount() < 2) {
            return List.of(wr);
        }
        WatchResponse empty = wr.toBuilder().clearEvents().build();
        // Each fragment carries the fragment flag while it is being filled, as etcd measures it.
        int base = WireFields.markFragment(empty.toBuilder()).build().getSerializedSize();
        List<WatchResponse> out = new ArrayList<>();
        int idx = 0;
        int n = wr.getEventsCount();
        while (idx < n) {
            WatchResponse.Builder cur = empty.toBuilder();
            int size = base;
            int count = 0;
            while (idx < n) {
                int evSize = CodedOutputStream.computeMessageSize(WatchResponse.EVENTS_FIELD_NUMBER, wr.getEvents(idx));
                if (count >= 1 && size + evSize >= maxBytes) {
                    break;
                }
                cur.addEvents(wr.getEvents(idx));
                size += evSize;
                count++;
                idx++;
            }
            out.add(idx < n ? WireFields.markFragment(cur).build() : cur.build());
        }
        return out;
    }
}
