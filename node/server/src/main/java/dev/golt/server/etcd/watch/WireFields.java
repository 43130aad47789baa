package dev.golt.server.etcd.watch;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchResponse;
import java.util.List;

/**
 * etcd 3.4's watch fields that the {@code rpc.proto} published in jetcd 0.8.5 (our {@code etcd-api})
 * predates: {@code WatchCreateRequest.watch_id = 7}, {@code WatchCreateRequest.fragment = 8} and
 * {@code WatchResponse.fragment = 7}. On the wire they are plain varints, which protobuf keeps as
 * unknown fields, so they are read and written by number here. Should {@code etcd-api} gain the
 * fields, the descriptor lookups find them and the generated accessors' storage is used instead.
 */
final class WireFields {

    static final int CREATE_WATCH_ID = 7;
    static final int CREATE_FRAGMENT = 8;
    static final int RESPONSE_FRAGMENT = 7;

    private static final FieldDescriptor KNOWN_WATCH_ID =
            WatchCreateRequest.getDescriptor().findFieldByNumber(CREATE_WATCH_ID);
    private static final FieldDescriptor KNOWN_CREATE_FRAGMENT =
            WatchCreateRequest.getDescriptor().findFieldByNumber(CREATE_FRAGMENT);
    private static final FieldDescriptor KNOWN_RESPONSE_FRAGMENT =
            WatchResponse.getDescriptor().findFieldByNumber(RESPONSE_FRAGMENT);

    private WireFields() {}

    /** The client-chosen watch id (0: let the server choose). */
    static long watchId(WatchCreateRequest r) {
        if (KNOWN_WATCH_ID != null) {
            return ((Number) r.getField(KNOWN_WATCH_ID)).longValue();
        }
        return lastVarint(r, CREATE_WATCH_ID);
    }

    static boolean fragment(WatchCreateRequest r) {
        if (KNOWN_CREATE_FRAGMENT != null) {
            return (Boolean) r.getField(KNOWN_CREATE_FRAGMENT);
        }
        return lastVarint(r, CREATE_FRAGMENT) != 0;
    }

    static boolean fragment(WatchResponse r) {
        if (KNOWN_RESPONSE_FRAGMENT != null) {
            return (Boolean) r.getField(KNOWN_RESPONSE_FRAGMENT);
        }
        return lastVarint(r, RESPONSE_FRAGMENT) != 0;
    }

    /** Marks a response as one fragment of several, more to follow (etcd's {@code fragment: true}). */
    static WatchResponse.Builder markFragment(WatchResponse.Builder b) {
        if (KNOWN_RESPONSE_FRAGMENT != null) {
            return b.setField(KNOWN_RESPONSE_FRAGMENT, true);
        }
        return b.setUnknownFields(withVarint(b.getUnknownFields(), RESPONSE_FRAGMENT, 1));
    }

    /** A create request with a client-chosen id and/or fragmenting asked for (for clients and tests). */
    static WatchCreateRequest.Builder withWatchIdAndFragment(WatchCreateRequest.Builder b, long watchId, boolean fragment) {
        if (KNOWN_WATCH_ID != null) {
            b.setField(KNOWN_WATCH_ID, watchId);
            b.setField(KNOWN_CREATE_FRAGMENT, fragment);
            return b;
        }
        UnknownFieldSet u = b.getUnknownFields();
        if (watchId != 0) {
            u = withVarint(u, CREATE_WATCH_ID, watchId);
        }
        if (fragment) {
            u = withVarint(u, CREATE_FRAGMENT, 1);
        }
        return b.setUnknownFields(u);
    }

    private static long lastVarint(Message m, int number) {
        List<Long> values = m.getUnknownFields().getField(number).getVarintList();
        // A repeated scalar field read as singular takes the last value, as protobuf does.
        return values.isEmpty() ? 0 : values.get(values.size() - 1);
    }

    private static UnknownFieldSet withVarint(UnknownFieldSet set, int number, long value) {
        return UnknownFieldSet.newBuilder(set)
                .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(value).build()).build();
    }
}
