package dev.golt.server.node;

import dev.golt.proto.Message;
import java.nio.file.Path;
import java.util.Map;

/** Where the driver sends Raft messages; implemented by the gRPC transport. */
public interface Outbox {

    /** Queues a message; never blocks. Undeliverable messages are reported back as unreachable. */
    void send(Message message);

    /** Streams the checkpoint in {@code dir} followed by {@code message} (MSG_SNAP); reports the outcome. */
    void sendSnapshot(Message message, Path dir);

    /** The Raft addresses of the members, refreshed whenever membership changes. */
    void updateAddresses(Map<String, String> addresses);
}
