package dev.golt.server.node;

import dev.golt.proto.ConfState;
import dev.golt.raft.LogStorage;
import dev.golt.raft.RaftConfig;
import dev.golt.raft.RaftLogStore;
import dev.golt.raft.RaftNode;
import dev.golt.storage.KeyValueStore;
import java.nio.file.Path;

/** How a node opens its log, its state machine store, its consensus core and its peer network. */
public interface Components {

    RaftLogStore openLog(Path dir, boolean fsync);

    /** Opens (creating if absent) the store in {@code dir}; a checkpoint directory is openable too. */
    KeyValueStore openStore(Path dir);

    /** @param bootstrap initial membership for an empty log, or null to wait to be added */
    RaftNode newCore(RaftConfig config, LogStorage log, ConfState bootstrap);

    /** The network to the peers, listening on {@code settings.bindAddress()} once started. */
    PeerNetwork newPeerNetwork(NodeSettings settings, Snapshots snapshots, PeerNetwork.Inbound inbound);
}
