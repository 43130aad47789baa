package dev.golt.server.etcd;

import dev.golt.etcd.api.AlarmRequest;
import dev.golt.etcd.api.AlarmResponse;
import dev.golt.etcd.api.DefragmentRequest;
import dev.golt.etcd.api.DefragmentResponse;
import dev.golt.etcd.api.DowngradeRequest;
import dev.golt.etcd.api.DowngradeResponse;
import dev.golt.etcd.api.HashKVRequest;
import dev.golt.etcd.api.HashKVResponse;
import dev.golt.etcd.api.HashRequest;
import dev.golt.etcd.api.HashResponse;
import dev.golt.etcd.api.MaintenanceGrpc;
import dev.golt.etcd.api.MoveLeaderRequest;
import dev.golt.etcd.api.MoveLeaderResponse;
import dev.golt.etcd.api.SnapshotRequest;
import dev.golt.etcd.api.SnapshotResponse;
import dev.golt.etcd.api.StatusRequest;
import dev.golt.etcd.api.StatusResponse;
import dev.golt.raft.RaftStatus;
import dev.golt.server.node.GoltNode;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.KeyValue;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * etcd's Maintenance service as far as Golt has the concept: Status (the etcd API version Golt
 * speaks, store size, leader, Raft indexes), Alarm (Golt raises none), Defragment (nothing to do:
 * the LSM tree reclaims space as it compacts), HashKV (a checksum of every key at a revision, for
 * comparing members) and MoveLeader (a leadership transfer). Hash, Snapshot and Downgrade answer
 * Unimplemented, saying what to use instead.
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

    /** The etcd API level Golt speaks; clients parse it to decide which features they may use. */
    public static final String ETCD_VERSION = "3.5.21";

    private final EtcdApi api;

    public MaintenanceService(EtcdApi api) {
        this.api = api;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        Replies.reply(out, () -> {
            GoltNode n = api.node();
            RaftStatus s = n.driver().status();
            long size = sizeOf(n.settings().dataDir().resolve("state"));
            boolean learner = s.confState().getLearnersList().contains(n.settings().id());
            return CompletableFuture.completedFuture(StatusResponse.newBuilder().setHeader(api.header())
                    .setVersion(ETCD_VERSION).setDbSize(size).setDbSizeInUse(size)
                    .setLeader(EtcdIds.memberId(s.leader())).setRaftIndex(s.commitIndex()).setRaftTerm(s.term())
                    .setRaftAppliedIndex(s.appliedIndex()).setIsLearner(learner).build());
        });
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
        Replies.reply(out, () -> CompletableFuture.completedFuture(AlarmResponse.newBuilder().setHeader(api.header()).build()));
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
        Replies.reply(out, () -> CompletableFuture.completedFuture(DefragmentResponse.newBuilder().setHeader(api.header()).build()));
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
        Replies.reply(out, () -> {
            var s = api.store();
            long rev = request.getRevision() > 0 ? request.getRevision() : s.revision();
            CRC32C crc = new CRC32C();
            for (KeyValue kv : s.range(new KeyRange(new byte[0], null), rev, 0, false).kvs()) {
                crc.update(kv.key());
                crc.update(kv.value());
                crc.update(java.nio.ByteBuffer.allocate(8).putLong(kv.modRevision()).array());
            }
            return CompletableFuture.completedFuture(HashKVResponse.newBuilder().setHeader(api.header(rev))
                    .setHash((int) crc.getValue()).setCompactRevision(s.compactedRevision()).build());
        });
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> out) {
        Replies.reply(out, () -> {
            String target = api.node().members().stream().filter(m -> EtcdIds.memberId(m.id()) == request.getTargetID())
                    .map(GoltNode.Member::id).findFirst()
                    .orElseThrow(() -> new EtcdError(Status.Code.NOT_FOUND, EtcdError.MEMBER_NOT_FOUND));
            return api.node().transferLeadership(target)
                    .thenApply(l -> MoveLeaderResponse.newBuilder().setHeader(api.header()).build());
        });
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> out) {
        out.onError(Status.UNIMPLEMENTED.withDescription("golt: Hash is not served; use HashKV").asRuntimeException());
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
        out.onError(Status.UNIMPLEMENTED.withDescription(
                "golt: snapshot streams are not served yet; take one with POST /admin/snapshot").asRuntimeException());
    }

    @Override
    public void downgrade(DowngradeRequest request, StreamObserver<DowngradeResponse> out) {
        out.onError(Status.UNIMPLEMENTED.withDescription("golt: downgrades are not supported").asRuntimeException());
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed by a compaction meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
