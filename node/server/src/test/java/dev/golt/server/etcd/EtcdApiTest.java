package dev.golt.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.CompactionRequest;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseKeepAliveRequest;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import dev.golt.etcd.api.LeaseTimeToLiveRequest;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.RequestOp;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.raft.Role;
import dev.golt.server.cluster.TestCluster;
import dev.golt.server.node.GoltNode;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The etcd v3 KV and Lease services of a real 3-node cluster (in this JVM, real gRPC on loopback,
 * real WAL and LSM files), driven through the generated etcd stubs as a client would: revisions,
 * reads at past revisions, transactions, compaction, lease expiry decided by the leader and lease
 * survival across a leadership change.
 */
class EtcdApiTest {

    private TestCluster cluster;
    private final Map<String, EtcdServer> servers = new LinkedHashMap<>();
    private final List<EtcdApi> apis = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.start(3);
        cluster.awaitLeaderKnownByAll();
        for (GoltNode n : cluster.nodes()) {
            EtcdApi api = new EtcdApi(n);
            apis.add(api);
            servers.put(n.settings().id(), EtcdServices.start(api, "127.0.0.1:" + freePort()));
        }
    }

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.values().forEach(EtcdServer::close);
        apis.forEach(EtcdApi::close);
        cluster.close();
    }

    private ManagedChannel channel(GoltNode n) {
        ManagedChannel c = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", servers.get(n.settings().id()).port()))
                .usePlaintext().build();
        channels.add(c);
        return c;
    }

    private GoltNode follower() {
        return cluster.nodes().stream().filter(n -> n.driver().role() != Role.LEADER).findFirst().orElseThrow();
    }

    @Test
    void everyWriteThroughAFollowerIsOneRevisionAndEveryRetainedRevisionReadsBack() {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(follower()));
        long first = kv.put(put("k", "v1")).getHeader().getRevision();
        kv.put(put("k", "v2"));
        long third = kv.put(put("k", "v3").toBuilder().setPrevKv(true).build()).getHeader().getRevision();
        assertThat(third).isEqualTo(first + 2);

        RangeResponse now = kv.range(RangeRequest.newBuilder().setKey(bytes("k")).build());
        assertThat(now.getKvs(0).getValue().toStringUtf8()).isEqualTo("v3");
        assertThat(now.getKvs(0).getVersion()).isEqualTo(3);
        assertThat(now.getKvs(0).getCreateRevision()).isEqualTo(first);
        assertThat(now.getKvs(0).getModRevision()).isEqualTo(third);
        assertThat(kv.range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(first).build())
                .getKvs(0).getValue().toStringUtf8()).isEqualTo("v1");

        kv.compact(CompactionRequest.newBuilder().setRevision(third).build());
        assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(first).build()))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessage("OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted");
        assertThat(kv.range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(third).build())
                .getKvs(0).getValue().toStringUtf8()).isEqualTo("v3");
    }

    @Test
    void aTransactionIsOneRevisionSeesItsOwnWritesAndTakesTheFailureBranchWhenACompareFails() {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(follower()));
        long rev = kv.put(put("a", "1")).getHeader().getRevision();
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes("a")).setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.EQUAL).setVersion(1))
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("a", "2")))
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("b", "2")))
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("a"))))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("a"))))
                .build();
        TxnResponse first = kv.txn(txn);
        assertThat(first.getSucceeded()).isTrue();
        assertThat(first.getHeader().getRevision()).isEqualTo(rev + 1);
        assertThat(first.getResponses(2).getResponseRange().getKvs(0).getValue().toStringUtf8()).isEqualTo("2");
        assertThat(kv.range(RangeRequest.newBuilder().setKey(bytes("b")).build()).getKvs(0).getModRevision()).isEqualTo(rev + 1);

        TxnResponse second = kv.txn(txn);
        assertThat(second.getSucceeded()).isFalse();
        assertThat(second.getHeader().getRevision()).as("a read-only branch makes no revision").isEqualTo(rev + 1);
        assertThat(second.getResponses(0).getResponseRange().getKvs(0).getVersion()).isEqualTo(2);
    }

    @Test
    void aWriteToAnUnknownLeaseIsRefusedAndChangesNothing() {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(follower()));
        long rev = kv.put(put("x", "1")).getHeader().getRevision();
        assertThatThrownBy(() -> kv.put(put("x", "2").toBuilder().setLease(12345).build()))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessage("NOT_FOUND: etcdserver: requested lease not found");
        RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(bytes("x")).build());
        assertThat(r.getKvs(0).getValue().toStringUtf8()).isEqualTo("1");
        assertThat(r.getHeader().getRevision()).isEqualTo(rev);
    }

    @Test
    void aLeaseNotKeptAliveExpiresThroughTheLogWhileOneKeptAliveSurvivesALeadershipChange() throws Exception {
        GoltNode via = follower();
        ManagedChannel ch = channel(via);
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch);
        LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(ch);
        long dying = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(2).build()).getID();
        long kept = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(3).build()).getID();
        kv.put(put("dying", "x").toBuilder().setLease(dying).build());
        kv.put(put("kept", "x").toBuilder().setLease(kept).build());

        BlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> keepAlive = keepAliveStream(ch, answers, new LinkedBlockingQueue<>());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        boolean moved = false;
        while (System.nanoTime() < until) {
            keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(kept).build());
            LeaseKeepAliveResponse a = answers.poll(5, TimeUnit.SECONDS);
            assertThat(a).isNotNull();
            if (!moved && System.nanoTime() > until - TimeUnit.SECONDS.toNanos(4)) {
                GoltNode leader = cluster.awaitLeader();
                leader.transferLeadership(null).get(10, TimeUnit.SECONDS);
                moved = true;
            }
            Thread.sleep(500);
        }
        keepAlive.onCompleted();
        assertThat(moved).isTrue();
        assertThat(kv.range(RangeRequest.newBuilder().setKey(bytes("dying")).build()).getCount()).isZero();
        assertThat(lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(dying).build()).getTTL()).isEqualTo(-1);
        assertThat(kv.range(RangeRequest.newBuilder().setKey(bytes("kept")).build()).getCount()).isEqualTo(1);
        assertThat(lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(kept).setKeys(true).build()).getKeysList())
                .containsExactly(bytes("kept"));
    }

    @Test
    void aKeepAliveStreamThroughAFollowerIsAnsweredThroughEveryLeaderChange() throws Exception {
        ManagedChannel ch = channel(follower());
        long id = LeaseGrpc.newBlockingStub(ch).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()).getID();
        BlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> keepAlive = keepAliveStream(ch, answers, errors);
        // Keep-alives back to back while leadership moves four times: each one reaches some leader
        // mid-change (a stale forward target, a barrier the old leader cannot confirm).
        for (int change = 0; change < 4; change++) {
            var moved = cluster.awaitLeader().transferLeadership(null);
            int sent = 0;
            while (!moved.isDone() || sent < 20) {
                keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
                LeaseKeepAliveResponse a = answers.poll(5, TimeUnit.SECONDS);
                assertThat(errors).as("the stream must not end").isEmpty();
                assertThat(a).isNotNull();
                assertThat(a.getTTL()).isEqualTo(30);
                sent++;
            }
            moved.get(10, TimeUnit.SECONDS);
        }
        keepAlive.onCompleted();
    }

    @Test
    void everyLeaseOfASessionKeptAliveOnOneStreamIsAnsweredOnceAndAnUnknownOneWithTtlZero() throws Exception {
        ManagedChannel ch = channel(cluster.awaitLeader());
        LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(ch);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID());
        }
        BlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> keepAlive = keepAliveStream(ch, answers, new LinkedBlockingQueue<>());
        // All at once, as clientv3 sends a session's leases: more than fit in flight, so the stream's
        // flow control holds back the rest until renewals finish.
        for (int round = 0; round < 5; round++) {
            ids.forEach(id -> keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build()));
        }
        keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(424242).build());
        Map<Long, Integer> answered = new LinkedHashMap<>();
        for (int i = 0; i < ids.size() * 5 + 1; i++) {
            LeaseKeepAliveResponse a = answers.poll(10, TimeUnit.SECONDS);
            assertThat(a).as("answer %d", i).isNotNull();
            assertThat(a.getTTL()).isEqualTo(a.getID() == 424242 ? 0 : 60);
            answered.merge(a.getID(), 1, Integer::sum);
        }
        keepAlive.onCompleted();
        assertThat(answered).hasSize(ids.size() + 1);
        assertThat(ids).allSatisfy(id -> assertThat(answered.get(id)).isEqualTo(5));
    }

    private static StreamObserver<LeaseKeepAliveRequest> keepAliveStream(ManagedChannel ch,
            BlockingQueue<LeaseKeepAliveResponse> answers, BlockingQueue<Throwable> errors) {
        return LeaseGrpc.newStub(ch).leaseKeepAlive(new StreamObserver<>() {
            public void onNext(LeaseKeepAliveResponse r) {
                answers.add(r);
            }

            public void onError(Throwable t) {
                errors.add(t);
            }

            public void onCompleted() {}
        });
    }

    private static PutRequest put(String k, String v) {
        return PutRequest.newBuilder().setKey(bytes(k)).setValue(bytes(v)).build();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
