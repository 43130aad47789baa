package dev.golt.server;

import dev.golt.proto.ConfState;
import dev.golt.raft.LogStorage;
import dev.golt.raft.RaftConfig;
import dev.golt.raft.RaftLogStore;
import dev.golt.raft.RaftNode;
import dev.golt.raft.RawNode;
import dev.golt.server.node.Components;
import dev.golt.server.node.NodeSettings;
import dev.golt.server.node.PeerNetwork;
import dev.golt.server.node.Snapshots;
import dev.golt.server.transport.GrpcPeerNetwork;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.KeyValueStore;
import dev.golt.storage.lsm.LsmOptions;
import dev.golt.storage.lsm.LsmStore;
import dev.golt.storage.wal.SegmentedWal;
import dev.golt.storage.wal.WalOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/** The production parts: segmented WAL, LSM store, RawNode, the gRPC peer network. */
public final class DefaultComponents implements Components {

    private final Optional<Long> memtableBytes;
    private final Optional<Long> cacheBytes;
    private final long memtableMaxAgeMs;

    public DefaultComponents(Optional<Long> memtableBytes, Optional<Long> cacheBytes, long memtableMaxAgeMs) {
        this.memtableBytes = memtableBytes;
        this.cacheBytes = cacheBytes;
        this.memtableMaxAgeMs = memtableMaxAgeMs;
    }

    @Override
    public RaftLogStore openLog(Path dir, boolean fsync) {
        return new WalLogStore(SegmentedWal.open(dir, WalOptions.defaults().withFsync(fsync ? FsyncPolicy.ALWAYS : FsyncPolicy.NEVER)));
    }

    @Override
    public KeyValueStore openStore(Path dir) {
        LsmOptions o = LsmOptions.defaults().withMemtableMaxAgeMillis(memtableMaxAgeMs);
        if (memtableBytes.isPresent()) {
            o = o.withMemtableBytes(memtableBytes.get());
        }
        if (cacheBytes.isPresent()) {
            o = o.withBlockCacheBytes(cacheBytes.get());
        }
        return LsmStore.open(dir, o);
    }

    @Override
    public RaftNode newCore(RaftConfig config, LogStorage log, ConfState bootstrap) {
        return new RawNode(config, log, bootstrap);
    }

    @Override
    public PeerNetwork newPeerNetwork(NodeSettings settings, Snapshots snapshots, PeerNetwork.Inbound inbound) {
        NodeFlags.HostPort bind = NodeFlags.HostPort.parse(settings.bindAddress(), "--address");
        return new GrpcPeerNetwork(settings.id(), new InetSocketAddress(bind.host(), bind.port()),
                settings.maxMessageBytes(), snapshots, inbound);
    }
}
