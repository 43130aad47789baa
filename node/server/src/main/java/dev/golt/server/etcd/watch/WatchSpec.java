package dev.golt.server.etcd.watch;

import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.KeyRange;
import java.util.Arrays;

/**
 * What one watch asks for, checked as etcd checks a {@code WatchCreateRequest}.
 *
 * @param watchId        the id the client chose, or {@link #AUTO_ID} for one chosen by the server
 * @param startRevision  0: from the next revision; otherwise the first revision to deliver
 */
record WatchSpec(long watchId, KeyRange range, long startRevision, boolean prevKv, boolean noPut, boolean noDelete,
        boolean progressNotify, boolean fragment) {

    /** clientv3.AutoWatchID: the server picks the id. */
    static final long AUTO_ID = 0;
    /** clientv3.InvalidWatchID: a failed create, and a progress notification for the whole stream. */
    static final long INVALID_ID = -1;

    // etcd's cancel reasons, compared by clients as text.
    static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    static final String EMPTY_RANGE = "mvcc: watcher range is empty";
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

    /**
     * @throws IllegalArgumentException with etcd's cancel reason when etcd refuses the request
     */
    static WatchSpec of(WatchCreateRequest r) {
        if (r.getStartRevision() < 0) {
            throw new IllegalArgumentException(COMPACTED);
        }
        // An empty key is "\0", the smallest key (etcd's recvLoop).
        byte[] key = r.getKey().isEmpty() ? new byte[] {0} : r.getKey().toByteArray();
        byte[] end = r.getRangeEnd().toByteArray();
        boolean toEnd = end.length == 1 && end[0] == 0;
        if (end.length > 0 && !toEnd && Arrays.compareUnsigned(key, end) >= 0) {
            throw new IllegalArgumentException(EMPTY_RANGE);
        }
        boolean noPut = false;
        boolean noDelete = false;
        for (WatchCreateRequest.FilterType f : r.getFiltersList()) {
            noPut |= f == WatchCreateRequest.FilterType.NOPUT;
            noDelete |= f == WatchCreateRequest.FilterType.NODELETE;
        }
        return new WatchSpec(WireFields.watchId(r), KeyRange.ofEtcd(key, end), r.getStartRevision(), r.getPrevKv(),
                noPut, noDelete, r.getProgressNotify(), WireFields.fragment(r));
    }

    /** Whether the watch wants this event: its key in range and its type not filtered out. */
    boolean wants(Event e) {
        if (e.type() == Event.Type.PUT ? noPut : noDelete) {
            return false;
        }
        return range.contains(e.kv().key());
    }
}
