package dev.golt.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseTimeToLiveRequest;
import dev.golt.etcd.api.MaintenanceGrpc;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.SnapshotRequest;
import dev.golt.etcd.api.SnapshotResponse;
import dev.golt.server.TestPorts;
import dev.golt.server.cluster.TestCluster;
import dev.golt.server.node.BackupFile;
import dev.golt.server.node.GoltNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups through etcd's Maintenance.Snapshot stream, and new clusters started from them with
 * {@code --restore-from} (etcdctl snapshot save / etcdutl snapshot restore), on real 3-node clusters
 * in this JVM with real gRPC and real files.
 */
class BackupRestoreTest {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A started cluster with the etcd API on every node. */
    private final class Cluster {
        final TestCluster nodes;
        final List<ManagedChannel> channels = new ArrayList<>();

        Cluster(TestCluster nodes) {
            this.nodes = nodes;
            open.add(nodes);
            nodes.awaitLeaderKnownByAll();
            for (GoltNode n : nodes.nodes()) {
                serve(n);
            }
        }

        ManagedChannel serve(GoltNode n) {
            EtcdApi api = new EtcdApi(n);
            EtcdServer server = EtcdServices.start(api, "127.0.0.1:" + TestPorts.free());
            ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            open.add(api);
            open.add(server);
            open.add(c::shutdownNow);
            channels.add(c);
            return c;
        }

        KVGrpc.KVBlockingStub kv(int member) {
            return KVGrpc.newBlockingStub(channels.get(member));
        }
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static void save(ManagedChannel member, Path file) throws IOException {
        Iterator<SnapshotResponse> stream = MaintenanceGrpc.newBlockingStub(member).snapshot(SnapshotRequest.getDefaultInstance());
        try (OutputStream out = Files.newOutputStream(file)) {
            SnapshotResponse first = stream.next();
            assertThat(first.hasHeader()).as("the first message carries the header").isTrue();
            out.write(first.getBlob().toByteArray());
            long remaining = first.getRemainingBytes();
            while (stream.hasNext()) {
                SnapshotResponse r = stream.next();
                assertThat(r.getRemainingBytes()).isLessThan(remaining);
                remaining = r.getRemainingBytes();
                out.write(r.getBlob().toByteArray());
            }
            assertThat(remaining).isZero();
        }
    }

    @Test
    void aBackupFromAFollowerStartsANewClusterWithEveryKeyItsHistoryAndItsLeases() throws Exception {
        Cluster source = new Cluster(TestCluster.start(3));
        var kv = source.kv(0);
        kv.put(PutRequest.newBuilder().setKey(b("a")).setValue(b("1")).build());
        long firstA = kv.put(PutRequest.newBuilder().setKey(b("a")).setValue(b("1")).build()).getHeader().getRevision();
        kv.put(PutRequest.newBuilder().setKey(b("a")).setValue(b("2")).build());
        long lease = LeaseGrpc.newBlockingStub(source.channels.get(0))
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).getID();
        kv.put(PutRequest.newBuilder().setKey(b("leased")).setValue(b("x")).setLease(lease).build());
        kv.put(PutRequest.newBuilder().setKey(b("gone")).setValue(b("x")).build());
        long revision = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("gone")).build()).getHeader().getRevision();
        KeyValue a = kv.range(RangeRequest.newBuilder().setKey(b("a")).build()).getKvs(0);

        GoltNode follower = source.nodes.nodes().stream()
                .filter(n -> n.driver().role() != dev.golt.raft.Role.LEADER).findFirst().orElseThrow();
        int followerIndex = source.nodes.nodes().indexOf(follower);
        TestCluster.await("the follower applied revision " + revision, () -> follower.stateMachine().mvcc().revision() >= revision);
        Path backup = tmp.resolve("backup.db");
        save(source.channels.get(followerIndex), backup);
        assertThat(Files.size(backup) % 512).isEqualTo(32);
        source.nodes.close();

        Cluster restored = new Cluster(TestCluster.start(3, Map.of("golt.restore-from", backup.toString())));
        for (int m = 0; m < 3; m++) {
            var r = restored.kv(m).range(RangeRequest.newBuilder().setKey(b("a")).build());
            assertThat(r.getHeader().getRevision()).as("member %d revision", m).isEqualTo(revision);
            assertThat(r.getKvs(0)).isEqualTo(a);
        }
        var kv2 = restored.kv(1);
        assertThat(kv2.range(RangeRequest.newBuilder().setKey(b("a")).setRevision(firstA).build()).getKvs(0).getValue())
                .isEqualTo(b("1"));
        assertThat(kv2.range(RangeRequest.newBuilder().setKey(b("gone")).build()).getKvsCount()).isZero();
        assertThat(kv2.range(RangeRequest.newBuilder().setKey(b("leased")).build()).getKvs(0).getLease()).isEqualTo(lease);
        var ttl = LeaseGrpc.newBlockingStub(restored.channels.get(2))
                .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(lease).setKeys(true).build());
        assertThat(ttl.getTTL()).isPositive();
        assertThat(ttl.getKeysList()).containsExactly(b("leased"));

        long next = kv2.put(PutRequest.newBuilder().setKey(b("after")).setValue(b("y")).build()).getHeader().getRevision();
        assertThat(next).as("revisions go on from the backup's").isEqualTo(revision + 1);

        // A member restarted with the flag still set (a pod keeps its arguments) starts on its own data.
        restored.nodes.stop("n3");
        GoltNode again = restored.nodes.start("n3");
        TestCluster.await("n3 applied the write made after the restore", () -> again.stateMachine().mvcc().revision() == next);
        assertThat(Files.readString(restored.nodes.dataDir("n3").resolve("RESTORED"))).contains("index:");
    }

    @Test
    void aDamagedBackupIsRefusedAndADirectoryHoldingStateIsNeverOverwritten() throws Exception {
        Cluster source = new Cluster(TestCluster.start(3));
        source.kv(0).put(PutRequest.newBuilder().setKey(b("k")).setValue(b("v1")).build());
        Path backup = tmp.resolve("backup.db");
        save(source.channels.get(0), backup);

        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length / 2] ^= 1;
        Path damaged = Files.write(tmp.resolve("damaged.db"), bytes);
        TestCluster fresh = TestCluster.start(0);
        open.add(fresh);
        fresh.reserve("n1");
        assertThatThrownBy(() -> fresh.start("n1", Map.of("golt.restore-from", damaged.toString())))
                .isInstanceOf(BackupFile.InvalidBackupException.class)
                .hasMessageContaining("SHA-256 digest does not match");
        try (var files = Files.list(fresh.dataDir("n1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("RESTORED");
        }

        source.kv(0).put(PutRequest.newBuilder().setKey(b("k")).setValue(b("v2")).build());
        source.nodes.stop("n2");
        assertThatThrownBy(() -> source.nodes.start("n2", Map.of("golt.restore-from", backup.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holds a member's state");
        GoltNode n2 = source.nodes.start("n2");
        TestCluster.await("n2 kept its state and caught up", () -> "v2".equals(TestCluster.read(n2, "k")));
    }
}
