// ElectionServiceTest: Golt's Election service over a real etcd behaves as etcd's v3election does:
// campaigns queue, proclaim and resign act only for the leader, observe follows every leader.
package dev.golt.server.etcd.concurrency;

import static dev.golt.server.etcd.concurrency.EtcdFixture.bytes;
import static dev.golt.server.etcd.concurrency.EtcdFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.golt.etcd.api.CampaignRequest;
import dev.golt.etcd.api.CampaignResponse;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.LeaderKey;
import dev.golt.etcd.api.LeaderRequest;
import dev.golt.etcd.api.LeaderResponse;
import dev.golt.etcd.api.ProclaimRequest;
import dev.golt.etcd.api.ResignRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElectionServiceTest {

    static EtcdFixture f;

    /** True where the same sentences are checked against etcd's own service. */
    boolean etcdsOwnServices() {
        return false;
    }

    @BeforeAll
    void start() throws Exception {
        f = new EtcdFixture(etcdsOwnServices());
    }

    @AfterAll
    void stop() throws Exception {
        if (f != null) {
            f.close();
            f = null;
        }
    }

    private static CampaignRequest campaign(String name, long lease, String value) {
        return CampaignRequest.newBuilder().setName(bytes(name)).setLease(lease).setValue(bytes(value)).build();
    }

    private static LeaderRequest leaderOf(String name) {
        return LeaderRequest.newBuilder().setName(bytes(name)).build();
    }

    private static void proclaim(LeaderKey leader, String value) {
        f.election().proclaim(ProclaimRequest.newBuilder().setLeader(leader).setValue(bytes(value)).build());
    }

    private static void resign(LeaderKey leader) {
        f.election().resign(ResignRequest.newBuilder().setLeader(leader).build());
    }

    private static String leaderValue(String name) {
        return f.election().leader(leaderOf(name)).getKv().getValue().toStringUtf8();
    }

    private static ThrowingConsumer<Throwable> status(Status.Code code, String description) {
        return t -> {
            Status s = Status.fromThrowable(t instanceof ExecutionException ? t.getCause() : t);
            assertThat(s.getCode()).isEqualTo(code);
            assertThat(s.getDescription()).isEqualTo(description);
        };
    }

    @Test
    void aCampaignInAnElectionNobodyLeadsWinsAtOnceAndLeaderNamesIt() {
        long a = f.grant(30);
        CampaignResponse won = f.election().campaign(campaign("solo", a, "alpha"));
        LeaderKey leader = won.getLeader();
        assertThat(leader.getName().toStringUtf8()).isEqualTo("solo");
        assertThat(leader.getKey().toStringUtf8()).isEqualTo("solo/" + Long.toHexString(a));
        assertThat(leader.getLease()).isEqualTo(a);
        assertThat(leader.getRev()).isEqualTo(won.getHeader().getRevision());

        LeaderResponse current = f.election().leader(leaderOf("solo"));
        assertThat(current.getKv().getKey()).isEqualTo(leader.getKey());
        assertThat(current.getKv().getValue().toStringUtf8()).isEqualTo("alpha");
        assertThat(current.getKv().getCreateRevision()).isEqualTo(leader.getRev());
    }

    @Test
    void aSecondCampaignerWaitsUntilTheLeaderResignsThenLeads() throws Exception {
        LeaderKey first = f.election().campaign(campaign("queue", f.grant(30), "first")).getLeader();
        ListenableFuture<CampaignResponse> second = f.electionAsync().campaign(campaign("queue", f.grant(30), "second"));
        Thread.sleep(500);
        assertThat(second).isNotDone();
        assertThat(leaderValue("queue")).isEqualTo("first");

        resign(first);
        LeaderKey next = second.get(10, TimeUnit.SECONDS).getLeader();
        assertThat(next.getRev()).isGreaterThan(first.getRev());
        assertThat(leaderValue("queue")).isEqualTo("second");
    }

    @Test
    void aLeaderWhoseLeaseIsRevokedLosesTheElectionToTheNextCampaigner() throws Exception {
        long a = f.grant(30);
        LeaderKey first = f.election().campaign(campaign("lapsed", a, "first")).getLeader();
        ListenableFuture<CampaignResponse> second = f.electionAsync().campaign(campaign("lapsed", f.grant(30), "second"));
        Thread.sleep(300);
        assertThat(second).isNotDone();
        f.revoke(a);
        assertThat(second.get(10, TimeUnit.SECONDS).getLeader().getRev()).isGreaterThan(first.getRev());
        assertThat(leaderValue("lapsed")).isEqualTo("second");
        assertThatThrownBy(() -> proclaim(first, "too late")).satisfies(status(Status.Code.UNKNOWN, "election: not leader"));
    }

    @Test
    void proclaimReplacesTheLeadersValueUntilItResignsAndThenIsNotLeader() {
        LeaderKey leader = f.election().campaign(campaign("proclaim", f.grant(30), "v1")).getLeader();
        proclaim(leader, "v2");
        assertThat(leaderValue("proclaim")).isEqualTo("v2");

        resign(leader);
        assertThatThrownBy(() -> proclaim(leader, "v3")).satisfies(status(Status.Code.UNKNOWN, "election: not leader"));
        assertThatThrownBy(() -> f.election().leader(leaderOf("proclaim")))
                .satisfies(status(Status.Code.UNKNOWN, "election: no leader"));
    }

    @Test
    void resigningWithAStaleLeaderKeyLeavesTheNewLeaderInPlace() {
        long a = f.grant(30);
        LeaderKey old = f.election().campaign(campaign("stale", a, "old")).getLeader();
        f.revoke(a);
        LeaderKey current = f.election().campaign(campaign("stale", f.grant(30), "new")).getLeader();
        resign(old);
        assertThat(f.election().leader(leaderOf("stale")).getKv().getKey()).isEqualTo(current.getKey());
    }

    @Test
    void campaigningAgainWithTheLeadersLeaseProclaimsTheNewValue() {
        long a = f.grant(30);
        LeaderKey first = f.election().campaign(campaign("again", a, "one")).getLeader();
        LeaderKey second = f.election().campaign(campaign("again", a, "two")).getLeader();
        assertThat(second.getKey()).isEqualTo(first.getKey());
        assertThat(second.getRev()).isEqualTo(first.getRev());
        assertThat(leaderValue("again")).isEqualTo("two");
    }

    @Test
    void observeSendsTheFirstLeaderEachProclamationAndEachLeaderAfter() throws Exception {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        Context.CancellableContext watching = Context.current().withCancellation();
        watching.run(() -> f.electionStreaming().observe(leaderOf("observed"), collect(seen)));
        try {
            Thread.sleep(300); // the observer waits for a first leader
            LeaderKey a = f.election().campaign(campaign("observed", f.grant(30), "a1")).getLeader();
            assertThat(value(seen.poll(5, TimeUnit.SECONDS))).isEqualTo("a1");
            proclaim(a, "a2");
            assertThat(value(seen.poll(5, TimeUnit.SECONDS))).isEqualTo("a2");

            ListenableFuture<CampaignResponse> b = f.electionAsync().campaign(campaign("observed", f.grant(30), "b1"));
            assertThat(eventually(5_000, () -> f.waiters("observed").size() == 2)).isTrue();
            resign(a);
            b.get(10, TimeUnit.SECONDS);
            Object next = seen.poll(5, TimeUnit.SECONDS);
            assertThat(value(next)).isEqualTo("b1");
            assertThat(((LeaderResponse) next).getHeader().getRevision()).isGreaterThanOrEqualTo(((LeaderResponse) next).getKv().getModRevision());
            assertThat(seen.poll(300, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void observeOfAnElectionWithALeaderStartsWithThatLeader() throws Exception {
        f.election().campaign(campaign("led", f.grant(30), "already"));
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        Context.CancellableContext watching = Context.current().withCancellation();
        watching.run(() -> f.electionStreaming().observe(leaderOf("led"), collect(seen)));
        try {
            assertThat(value(seen.poll(5, TimeUnit.SECONDS))).isEqualTo("already");
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void leaderOfAnElectionNobodyCampaignsInIsNoLeader() {
        assertThatThrownBy(() -> f.election().leader(leaderOf("empty")))
                .satisfies(status(Status.Code.UNKNOWN, "election: no leader"));
    }

    @Test
    void proclaimAndResignWithoutALeaderKeyAreRefused() {
        assertThatThrownBy(() -> f.election().proclaim(ProclaimRequest.getDefaultInstance()))
                .satisfies(status(Status.Code.UNKNOWN, "\"leader\" field must be provided"));
        assertThatThrownBy(() -> f.election().resign(ResignRequest.getDefaultInstance()))
                .satisfies(status(Status.Code.UNKNOWN, "\"leader\" field must be provided"));
    }

    @Test
    void aCampaignWithALeaseThatDoesNotExistFailsAsEtcdDoes() {
        assertThatThrownBy(() -> f.election().campaign(campaign("ghost", 0x7ead, "x")))
                .satisfies(status(Status.Code.UNKNOWN, "etcdserver: requested lease not found"));
    }

    @Test
    void aCancelledCampaignLeavesNoKeyBehind() throws Exception {
        LeaderKey leader = f.election().campaign(campaign("withdrawn", f.grant(30), "leader")).getLeader();
        ListenableFuture<CampaignResponse> waiting = f.electionAsync().campaign(campaign("withdrawn", f.grant(30), "waiter"));
        assertThat(eventually(5_000, () -> f.waiters("withdrawn").size() == 2)).isTrue();
        waiting.cancel(true);
        assertThat(eventually(5_000, () -> f.waiters("withdrawn").size() == 1)).isTrue();
        assertThat(f.waiters("withdrawn")).extracting(KeyValue::getKey).containsExactly(leader.getKey());
    }

    @Test
    void aCampaignerWhoseLeaseExpiresWhileWaitingIsNotLeaderWhenItsTurnComes() throws Exception {
        LeaderKey leader = f.election().campaign(campaign("expiring", f.grant(30), "leader")).getLeader();
        ListenableFuture<CampaignResponse> waiting = f.electionAsync().campaign(campaign("expiring", f.grant(2), "waiter"));
        assertThat(eventually(5_000, () -> f.waiters("expiring").size() == 2)).isTrue();
        assertThat(eventually(10_000, () -> f.waiters("expiring").size() == 1)).as("the waiter's lease expired").isTrue();
        resign(leader);
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).satisfies(status(Status.Code.UNKNOWN, "election: not leader"));
        assertThatThrownBy(() -> f.election().leader(leaderOf("expiring")))
                .satisfies(status(Status.Code.UNKNOWN, "election: no leader"));
    }

    private static String value(Object response) {
        assertThat(response).as("an observed leader").isInstanceOf(LeaderResponse.class);
        return ((LeaderResponse) response).getKv().getValue().toStringUtf8();
    }

    private static StreamObserver<LeaderResponse> collect(BlockingQueue<Object> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaderResponse value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
                if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
                    into.add(t);
                }
            }

            @Override
            public void onCompleted() {
                into.add("completed");
            }
        };
    }

}
