package dev.golt.server.etcd;

import com.google.protobuf.ByteString;
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
import dev.golt.etcd.api.ResponseHeader;
import dev.golt.raft.RaftStatus;
import dev.golt.server.node.BackupFile;
import dev.golt.server.node.GoltNode;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.KeyValue;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * etcd's Maintenance service as far as Golt has the concept: Status (the etcd API version Golt
 * speaks, store size, leader, Raft indexes), Alarm (Golt raises none), Defragment (nothing to do:
 * the LSM tree reclaims space as it compacts), HashKV (a checksum of every key at a revision, for
 * comparing members), MoveLeader (a leadership transfer) and Snapshot (a {@link BackupFile} of the
 * member's state, which {@code golt-node --restore-from} starts a new cluster from). Hash and
 * Downgrade answer Unimplemented, saying what to use instead.
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

    /** The etcd API level Golt speaks; clients parse it to decide which features they may use. */
    public static final String ETCD_VERSION = "3.5.21";

    private static final Logger LOG = Logger.getLogger(MaintenanceService.class);

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

    /**
     * Streams a {@link BackupFile} of this member's state, as etcd streams its database: chunks with
     * the bytes still to come, the first with the header, the digest last. On a virtual thread of its
     * own, paced by the client's reading, so a slow client holds no gRPC thread and no memory.
     */
    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
        FlowControlledSink<SnapshotResponse> sink = new FlowControlledSink<>((ServerCallStreamObserver<SnapshotResponse>) out);
        Thread.ofVirtual().name("golt-etcd-snapshot").start(Context.current().wrap(() -> {
            try {
                SnapshotChunks chunks = new SnapshotChunks(sink, api.header());
                long index = api.node().backup(chunks::total, chunks);
                chunks.close();
                LOG.infof("backup of applied index %d sent to a client (%d bytes)", index, chunks.total);
                out.onCompleted();
            } catch (Exception e) {
                try {
                    out.onError(EtcdError.status(e));
                } catch (RuntimeException alreadyClosed) {
                    // the client went away: nobody to tell
                }
            }
        }));
    }

    /** Cuts the backup into etcd's SnapshotResponse messages. */
    private static final class SnapshotChunks extends OutputStream {
        static final int CHUNK_BYTES = 64 * 1024;

        private final FlowControlledSink<SnapshotResponse> sink;
        private ResponseHeader header;
        private final byte[] buf = new byte[CHUNK_BYTES];
        private int filled;
        private long total;
        private long sent;

        SnapshotChunks(FlowControlledSink<SnapshotResponse> sink, ResponseHeader header) {
            this.sink = sink;
            this.header = header;
        }

        void total(long bytes) {
            total = bytes;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, buf.length - filled);
                System.arraycopy(b, off, buf, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == buf.length) {
                    send();
                }
            }
        }

        private void send() {
            sent += filled;
            SnapshotResponse.Builder r = SnapshotResponse.newBuilder().setRemainingBytes(Math.max(0, total - sent))
                    .setBlob(ByteString.copyFrom(buf, 0, filled));
            if (header != null) {
                r.setHeader(header); // etcd: the first header tells the point in time of the snapshot
                header = null;
            }
            sink.send(r.build());
            filled = 0;
        }

        /** Sends what is still buffered (the stream's end: only after the whole backup was written). */
        @Override
        public void close() {
            if (filled > 0) {
                send();
            }
        }
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
