package dev.golt.server.etcd.watch;

import dev.golt.etcd.api.WatchResponse;
import dev.golt.storage.mvcc.Event;
import java.util.List;

/** What a stream's {@link SendQueue} holds: responses not yet handed to gRPC, in the order they go out. */
sealed interface Outbound {

    /**
     * Events of one watcher (whole revisions), turned into a {@code WatchResponse} only when sent, so
     * that a queue holds the store's records, shared between watchers, rather than a copy per watcher.
     *
     * @param revision the header revision: the watcher has been given everything up to it
     * @param bytes    what the queue counts against its bound ({@link WatchResponses#bytes})
     */
    record Events(Watcher watcher, List<Event> events, long revision, long bytes) implements Outbound {}

    /**
     * A response without events — created, canceled, compacted, progress — complete but for its header,
     * which is made as it is sent. These do not count against the byte bound: the stream bounds them by
     * reading no more requests while {@link ServerWatchStream#CONTROL_BACKLOG} of them are unsent.
     */
    record Control(WatchResponse response, long revision) implements Outbound {}

    /** The client half-closed: send what is queued, then end the call. */
    record Finish() implements Outbound {}
}
