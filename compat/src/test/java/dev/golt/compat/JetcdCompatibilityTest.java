// Black-box compatibility test: jetcd, the Java etcd v3 client, used as an application would use
// it against the etcd v3 gRPC endpoints of a 3-member cluster (Golt's by default, a real etcd 3.5's
// with -Dcompat.target=etcd): KV with options, Txn compares, Watch, Lease, Lock, Election, Cluster
// and Maintenance. Every test writes under its own key prefix.
package dev.golt.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.election.NoLeaderException;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class JetcdCompatibilityTest {

    private static final long TIMEOUT_S = 20;

    private static EtcdEndpoints cluster;
    private static Client client;
    private static KV kv;

    /** This test's key prefix. */
    private String ns;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = EtcdEndpoints.start("jetcd");
        client = Client.builder().endpoints(cluster.urls().toArray(String[]::new)).build();
        kv = client.getKVClient();
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @BeforeEach
    void prefix(TestInfo info) {
        ns = info.getTestMethod().orElseThrow().getName() + "/";
    }

    // ---- KV

    @Test
    void putThenGetReturnsTheValueWithItsRevisionsAndVersion() throws Exception {
        ByteSequence k = bs(ns + "k");
        long first = await(kv.put(k, bs("v1"))).getHeader().getRevision();
        PutResponse second = await(kv.put(k, bs("v2"), PutOption.builder().withPrevKV().build()));
        long rev = second.getHeader().getRevision();
        assertThat(rev).isGreaterThan(first);
        assertThat(second.hasPrevKv()).isTrue();
        assertThat(str(second.getPrevKv().getValue())).isEqualTo("v1");
        assertThat(second.getPrevKv().getModRevision()).isEqualTo(first);

        GetResponse got = await(kv.get(k));
        assertThat(got.getCount()).isEqualTo(1);
        assertThat(got.getHeader().getRevision()).isGreaterThanOrEqualTo(rev);
        KeyValue v = got.getKvs().getFirst();
        assertThat(str(v.getKey())).isEqualTo(ns + "k");
        assertThat(str(v.getValue())).isEqualTo("v2");
        assertThat(v.getCreateRevision()).isEqualTo(first);
        assertThat(v.getModRevision()).isEqualTo(rev);
        assertThat(v.getVersion()).isEqualTo(2);
        assertThat(v.getLease()).isZero();

        PutResponse plain = await(kv.put(bs(ns + "fresh"), bs("x")));
        assertThat(plain.hasPrevKv()).isFalse();
    }

    @Test
    void getOfAMissingKeyReturnsNoKeysAndACountOfZero() throws Exception {
        GetResponse got = await(kv.get(bs(ns + "absent")));
        assertThat(got.getKvs()).isEmpty();
        assertThat(got.getCount()).isZero();
        assertThat(got.isMore()).isFalse();
    }

    @Test
    void getWithPrefixAndLimitReturnsTheFirstKeysInOrderAndSaysThereAreMore() throws Exception {
        for (String s : List.of("d", "b", "a", "c")) {
            await(kv.put(bs(ns + s), bs(s)));
        }
        await(kv.put(bs(ns.substring(0, ns.length() - 1) + "-outside"), bs("x")));
        GetResponse all = await(kv.get(bs(ns), GetOption.builder().isPrefix(true).build()));
        assertThat(keys(all.getKvs())).containsExactly(ns + "a", ns + "b", ns + "c", ns + "d");
        assertThat(all.isMore()).isFalse();

        GetResponse limited = await(kv.get(bs(ns), GetOption.builder().isPrefix(true).withLimit(2).build()));
        assertThat(keys(limited.getKvs())).containsExactly(ns + "a", ns + "b");
        assertThat(limited.isMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(4);

        GetResponse range = await(kv.get(bs(ns + "b"), GetOption.builder().withRange(bs(ns + "d")).build()));
        assertThat(keys(range.getKvs())).containsExactly(ns + "b", ns + "c");

        GetResponse count = await(kv.get(bs(ns), GetOption.builder().isPrefix(true).withCountOnly(true).build()));
        assertThat(count.getKvs()).isEmpty();
        assertThat(count.getCount()).isEqualTo(4);

        GetResponse keysOnly = await(kv.get(bs(ns), GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
        assertThat(keysOnly.getKvs()).hasSize(4).allSatisfy(kv -> assertThat(kv.getValue().isEmpty()).isTrue());
    }

    @Test
    void getAtAnEarlierRevisionReturnsTheValuesAsTheyWereThen() throws Exception {
        ByteSequence k = bs(ns + "k");
        long first = await(kv.put(k, bs("v1"))).getHeader().getRevision();
        await(kv.put(k, bs("v2")));
        await(kv.put(bs(ns + "later"), bs("x")));
        GetResponse then = await(kv.get(bs(ns), GetOption.builder().isPrefix(true).withRevision(first).build()));
        assertThat(keys(then.getKvs())).containsExactly(ns + "k");
        assertThat(str(then.getKvs().getFirst().getValue())).isEqualTo("v1");
        assertThat(then.getKvs().getFirst().getVersion()).isEqualTo(1);
        GetResponse now = await(kv.get(bs(ns), GetOption.builder().isPrefix(true).build()));
        assertThat(keys(now.getKvs())).containsExactly(ns + "k", ns + "later");
    }

    @Test
    void deleteWithPrefixAndPrevKvDeletesEveryKeyUnderItAndReturnsThem() throws Exception {
        for (String s : List.of("a", "b", "c")) {
            await(kv.put(bs(ns + s), bs(s.toUpperCase())));
        }
        ByteSequence outside = bs(ns.substring(0, ns.length() - 1) + "-outside");
        await(kv.put(outside, bs("x")));
        DeleteResponse one = await(kv.delete(bs(ns + "a")));
        assertThat(one.getDeleted()).isEqualTo(1);
        assertThat(one.getPrevKvs()).isEmpty();

        DeleteResponse rest = await(kv.delete(bs(ns), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
        assertThat(rest.getDeleted()).isEqualTo(2);
        assertThat(rest.getPrevKvs()).extracting(p -> str(p.getKey()) + "=" + str(p.getValue()))
                .containsExactly(ns + "b=B", ns + "c=C");
        assertThat(await(kv.get(bs(ns), GetOption.builder().isPrefix(true).build())).getCount()).isZero();
        assertThat(await(kv.get(outside)).getCount()).isEqualTo(1);
        assertThat(await(kv.delete(bs(ns + "a"))).getDeleted()).isZero();
    }

    @Test
    void readingACompactedRevisionFailsAndTheRevisionCompactedToStillReads() throws Exception {
        ByteSequence k = bs(ns + "k");
        long first = await(kv.put(k, bs("v1"))).getHeader().getRevision();
        long second = await(kv.put(k, bs("v2"))).getHeader().getRevision();
        await(kv.put(k, bs("v3")));
        await(kv.compact(second));
        assertThatThrownBy(() -> await(kv.get(k, GetOption.builder().withRevision(first).build())))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("required revision has been compacted");
        assertThat(str(await(kv.get(k, GetOption.builder().withRevision(second).build())).getKvs().getFirst().getValue()))
                .isEqualTo("v2");
    }

    // ---- Txn

    @Test
    void txnWhoseComparesAllHoldRunsItsThenOps() throws Exception {
        ByteSequence k = bs(ns + "k");
        long rev = await(kv.put(k, bs("v1"))).getHeader().getRevision();
        TxnResponse r = await(kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(1)),
                        new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(rev)),
                        new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(rev)),
                        new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bs("v1"))),
                        new Cmp(k, Cmp.Op.GREATER, CmpTarget.modRevision(rev - 1)),
                        new Cmp(k, Cmp.Op.LESS, CmpTarget.version(5)),
                        new Cmp(k, Cmp.Op.NOT_EQUAL, CmpTarget.value(bs("v0"))))
                .Then(Op.put(k, bs("v2"), PutOption.DEFAULT), Op.get(k, GetOption.DEFAULT))
                .Else(Op.put(bs(ns + "else-ran"), bs("yes"), PutOption.DEFAULT))
                .commit());
        assertThat(r.isSucceeded()).isTrue();
        assertThat(r.getPutResponses()).hasSize(1);
        // Ops run in order within the transaction: the get sees the put before it.
        KeyValue seen = r.getGetResponses().getFirst().getKvs().getFirst();
        assertThat(str(seen.getValue())).isEqualTo("v2");
        assertThat(seen.getModRevision()).isEqualTo(r.getHeader().getRevision());
        assertThat(await(kv.get(bs(ns + "else-ran"))).getCount()).isZero();
    }

    @Test
    void txnWithAFailingCompareRunsItsElseOps() throws Exception {
        ByteSequence k = bs(ns + "k");
        long rev = await(kv.put(k, bs("v1"))).getHeader().getRevision();
        List<Cmp> failing = List.of(
                new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(2)),
                new Cmp(k, Cmp.Op.GREATER, CmpTarget.modRevision(rev)),
                new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)),
                new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bs("other"))));
        for (Cmp cmp : failing) {
            TxnResponse r = await(kv.txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(1)), cmp)
                    .Then(Op.put(k, bs("changed"), PutOption.DEFAULT))
                    .Else(Op.get(k, GetOption.DEFAULT))
                    .commit());
            assertThat(r.isSucceeded()).isFalse();
            assertThat(r.getPutResponses()).isEmpty();
            assertThat(str(r.getGetResponses().getFirst().getKvs().getFirst().getValue())).isEqualTo("v1");
            // A transaction that writes nothing does not move the revision.
            assertThat(r.getHeader().getRevision()).isEqualTo(rev);
        }
    }

    @Test
    void aMissingKeyComparesAsVersionAndCreateRevisionZeroButEqualToNoValue() throws Exception {
        ByteSequence absent = bs(ns + "absent");
        TxnResponse create = await(kv.txn()
                .If(new Cmp(absent, Cmp.Op.EQUAL, CmpTarget.version(0)),
                        new Cmp(absent, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(absent, bs("created"), PutOption.DEFAULT))
                .commit());
        assertThat(create.isSucceeded()).isTrue();
        ByteSequence other = bs(ns + "other");
        TxnResponse value = await(kv.txn()
                .If(new Cmp(other, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.EMPTY)))
                .Then(Op.put(other, bs("wrong"), PutOption.DEFAULT))
                .commit());
        assertThat(value.isSucceeded()).isFalse();
        assertThat(await(kv.get(other)).getCount()).isZero();
    }

    // ---- Watch

    @Test
    void watchDeliversLivePutsAndDeletesInRevisionOrderWithPreviousValues() throws Exception {
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        try (Watch.Watcher ignored = client.getWatchClient().watch(bs(ns),
                WatchOption.builder().isPrefix(true).withPrevKV(true).withCreateNotify(true).build(),
                Watch.listener(responses::add, error::set))) {
            WatchResponse created = responses.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertThat(created).as("created notification").isNotNull();
            assertThat(created.isCreatedNotify()).isTrue();

            ByteSequence k = bs(ns + "k");
            long r1 = await(kv.put(k, bs("a"))).getHeader().getRevision();
            await(kv.put(bs(ns.substring(0, ns.length() - 1) + "-outside"), bs("x")));
            long r2 = await(kv.put(k, bs("b"))).getHeader().getRevision();
            long r3 = await(kv.delete(k)).getHeader().getRevision();

            List<WatchEvent> events = takeEvents(responses, 3);
            assertThat(error.get()).isNull();
            assertThat(events).extracting(WatchEvent::getEventType).containsExactly(
                    WatchEvent.EventType.PUT, WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE);
            assertThat(events).extracting(e -> e.getKeyValue().getModRevision()).containsExactly(r1, r2, r3);
            assertThat(events).allSatisfy(e -> assertThat(str(e.getKeyValue().getKey())).isEqualTo(ns + "k"));
            assertThat(str(events.get(0).getKeyValue().getValue())).isEqualTo("a");
            assertThat(events.get(0).getKeyValue().getVersion()).isEqualTo(1);
            assertThat(events.get(0).getPrevKV().getKey().isEmpty()).as("no previous value for a create").isTrue();
            assertThat(str(events.get(1).getKeyValue().getValue())).isEqualTo("b");
            assertThat(events.get(1).getKeyValue().getCreateRevision()).isEqualTo(r1);
            assertThat(str(events.get(1).getPrevKV().getValue())).isEqualTo("a");
            assertThat(events.get(2).getKeyValue().getValue().isEmpty()).isTrue();
            assertThat(str(events.get(2).getPrevKV().getValue())).isEqualTo("b");
        }
    }

    @Test
    void watchFromAPastRevisionReplaysEveryChangeSinceThenInOrder() throws Exception {
        ByteSequence k = bs(ns + "k");
        long r1 = await(kv.put(k, bs("1"))).getHeader().getRevision();
        long r2 = await(kv.put(k, bs("2"))).getHeader().getRevision();
        long r3 = await(kv.delete(k)).getHeader().getRevision();
        long r4 = await(kv.put(k, bs("4"))).getHeader().getRevision();

        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        try (Watch.Watcher ignored = client.getWatchClient().watch(k,
                WatchOption.builder().withRevision(r2).build(), Watch.listener(responses::add))) {
            List<WatchEvent> events = takeEvents(responses, 3);
            assertThat(events).extracting(e -> e.getKeyValue().getModRevision()).containsExactly(r2, r3, r4);
            assertThat(events).extracting(WatchEvent::getEventType).containsExactly(
                    WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE, WatchEvent.EventType.PUT);
            assertThat(str(events.get(2).getKeyValue().getValue())).isEqualTo("4");
            // Created again after the delete: a new create revision and version 1.
            assertThat(events.get(2).getKeyValue().getCreateRevision()).isEqualTo(r4);
            assertThat(events.get(2).getKeyValue().getVersion()).isEqualTo(1);
            assertThat(r1).isLessThan(r2);
        }
    }

    @Test
    void watchFromACompactedRevisionFailsWithTheCompactRevision() throws Exception {
        ByteSequence k = bs(ns + "k");
        long r1 = await(kv.put(k, bs("1"))).getHeader().getRevision();
        long r2 = await(kv.put(k, bs("2"))).getHeader().getRevision();
        await(kv.compact(r2));
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        try (Watch.Watcher ignored = client.getWatchClient().watch(k, WatchOption.builder().withRevision(r1).build(),
                Watch.listener(r -> { }, failed::complete))) {
            Throwable t = failed.get(TIMEOUT_S, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(CompactedException.class);
            assertThat(((CompactedException) t).getCompactedRevision()).isGreaterThanOrEqualTo(r2);
        }
    }

    // ---- Lease

    @Test
    void aGrantedLeaseReportsItsTtlAndAttachedKeysAndKeepAliveOnceRenewsIt() throws Exception {
        Lease lease = client.getLeaseClient();
        long id = await(lease.grant(60)).getID();
        assertThat(id).isNotZero();
        await(kv.put(bs(ns + "a"), bs("1"), PutOption.builder().withLeaseId(id).build()));
        await(kv.put(bs(ns + "b"), bs("2"), PutOption.builder().withLeaseId(id).build()));
        assertThat(await(kv.get(bs(ns + "a"))).getKvs().getFirst().getLease()).isEqualTo(id);

        LeaseKeepAliveResponse renewed = await(lease.keepAliveOnce(id));
        assertThat(renewed.getID()).isEqualTo(id);
        assertThat(renewed.getTTL()).isEqualTo(60);

        LeaseTimeToLiveResponse ttl = await(lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()));
        assertThat(ttl.getID()).isEqualTo(id);
        assertThat(ttl.getGrantedTTL()).isEqualTo(60);
        assertThat(ttl.getTTL()).isBetween(1L, 60L);
        assertThat(ttl.getKeys()).extracting(JetcdCompatibilityTest::str).containsExactlyInAnyOrder(ns + "a", ns + "b");
        assertThat(await(lease.timeToLive(id, LeaseOption.DEFAULT)).getKeys()).isEmpty();
        await(lease.revoke(id));
    }

    @Test
    void revokingALeaseDeletesItsKeysAndTheLeaseIsGone() throws Exception {
        Lease lease = client.getLeaseClient();
        long id = await(lease.grant(60)).getID();
        await(kv.put(bs(ns + "a"), bs("1"), PutOption.builder().withLeaseId(id).build()));
        await(kv.put(bs(ns + "b"), bs("2"), PutOption.builder().withLeaseId(id).build()));
        await(kv.put(bs(ns + "kept"), bs("3")));

        BlockingQueue<WatchResponse> deletes = new LinkedBlockingQueue<>();
        long before = await(kv.get(bs(ns + "kept"))).getHeader().getRevision();
        try (Watch.Watcher ignored = client.getWatchClient().watch(bs(ns),
                WatchOption.builder().isPrefix(true).withRevision(before + 1).build(), Watch.listener(deletes::add))) {
            await(lease.revoke(id));
            assertThat(keys(await(kv.get(bs(ns), GetOption.builder().isPrefix(true).build())).getKvs()))
                    .containsExactly(ns + "kept");
            List<WatchEvent> events = takeEvents(deletes, 2);
            assertThat(events).extracting(WatchEvent::getEventType)
                    .containsOnly(WatchEvent.EventType.DELETE);
            assertThat(events).extracting(e -> str(e.getKeyValue().getKey())).containsExactlyInAnyOrder(ns + "a", ns + "b");
        }
        assertThat(await(lease.timeToLive(id, LeaseOption.DEFAULT)).getTTL()).isEqualTo(-1);
        assertThatThrownBy(() -> await(lease.revoke(id))).hasMessageContaining("requested lease not found");
        assertThatThrownBy(() -> await(kv.put(bs(ns + "c"), bs("4"), PutOption.builder().withLeaseId(id).build())))
                .hasMessageContaining("requested lease not found");
    }

    @Test
    void aLeaseKeptAliveOutlivesItsTtlAndOneThatIsNotExpiresWithItsKeys() throws Exception {
        Lease lease = client.getLeaseClient();
        long kept = await(lease.grant(2)).getID();
        long dropped = await(lease.grant(2)).getID();
        await(kv.put(bs(ns + "kept"), bs("1"), PutOption.builder().withLeaseId(kept).build()));
        await(kv.put(bs(ns + "dropped"), bs("2"), PutOption.builder().withLeaseId(dropped).build()));
        BlockingQueue<LeaseKeepAliveResponse> renewals = new LinkedBlockingQueue<>();
        try (var ignored = lease.keepAlive(kept, observer(renewals))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (await(kv.get(bs(ns + "dropped"))).getCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(await(kv.get(bs(ns + "dropped"))).getCount()).as("key of the expired lease").isZero();
            assertThat(await(lease.timeToLive(dropped, LeaseOption.DEFAULT)).getTTL()).isEqualTo(-1);
            Thread.sleep(3000); // more than the TTL again, still kept alive
            assertThat(await(kv.get(bs(ns + "kept"))).getCount()).as("key of the kept-alive lease").isEqualTo(1);
            assertThat(await(lease.timeToLive(kept, LeaseOption.DEFAULT)).getTTL()).isPositive();
            assertThat(renewals).isNotEmpty().allSatisfy(r -> {
                assertThat(r.getID()).isEqualTo(kept);
                assertThat(r.getTTL()).isEqualTo(2);
            });
        }
        await(lease.revoke(kept));
    }

    // ---- Lock

    @Test
    void aSecondLockerWaitsUntilTheFirstUnlocks() throws Exception {
        Lease lease = client.getLeaseClient();
        long l1 = await(lease.grant(30)).getID();
        long l2 = await(lease.grant(30)).getID();
        ByteSequence name = bs(ns + "lock");
        LockResponse first = await(client.getLockClient().lock(name, l1));
        assertThat(str(first.getKey())).startsWith(ns + "lock/");
        assertThat(await(kv.get(first.getKey())).getKvs().getFirst().getLease()).isEqualTo(l1);

        CompletableFuture<LockResponse> second = client.getLockClient().lock(name, l2);
        Thread.sleep(1500);
        assertThat(second).as("second lock while the first is held").isNotDone();
        await(client.getLockClient().unlock(first.getKey()));
        LockResponse got = second.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(str(got.getKey())).startsWith(ns + "lock/").isNotEqualTo(str(first.getKey()));
        assertThat(await(kv.get(first.getKey())).getCount()).isZero();
        await(client.getLockClient().unlock(got.getKey()));
        assertThat(await(kv.get(got.getKey())).getCount()).isZero();
    }

    @Test
    void aLockWhoseHoldersLeaseIsRevokedPassesToTheWaiter() throws Exception {
        Lease lease = client.getLeaseClient();
        long l1 = await(lease.grant(30)).getID();
        long l2 = await(lease.grant(30)).getID();
        ByteSequence name = bs(ns + "lock");
        await(client.getLockClient().lock(name, l1));
        CompletableFuture<LockResponse> second = client.getLockClient().lock(name, l2);
        Thread.sleep(1000);
        assertThat(second).isNotDone();
        await(lease.revoke(l1));
        LockResponse got = second.get(TIMEOUT_S, TimeUnit.SECONDS);
        await(client.getLockClient().unlock(got.getKey()));
        await(lease.revoke(l2));
    }

    // ---- Election

    @Test
    void campaignLeaderObserveProclaimAndResignFollowOneLeaderAtATime() throws Exception {
        Election election = client.getElectionClient();
        Lease lease = client.getLeaseClient();
        long aliceLease = await(lease.grant(30)).getID();
        long bobLease = await(lease.grant(30)).getID();
        ByteSequence name = bs(ns + "election");

        assertThatThrownBy(() -> await(election.leader(name))).hasCauseInstanceOf(NoLeaderException.class);

        CampaignResponse alice = await(election.campaign(name, aliceLease, bs("alice")));
        LeaderKey aliceKey = alice.getLeader();
        assertThat(str(aliceKey.getName())).isEqualTo(ns + "election");
        assertThat(str(aliceKey.getKey())).startsWith(ns + "election/");
        assertThat(aliceKey.getLease()).isEqualTo(aliceLease);
        assertThat(str(await(election.leader(name)).getKv().getValue())).isEqualTo("alice");

        BlockingQueue<String> observed = new LinkedBlockingQueue<>();
        election.observe(name, new Election.Listener() {
            @Override
            public void onNext(LeaderResponse r) {
                observed.add(str(r.getKv().getValue()));
            }

            @Override
            public void onError(Throwable t) {
                observed.add("error: " + t);
            }

            @Override
            public void onCompleted() {
                observed.add("completed");
            }
        });
        assertThat(observed.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("alice");

        CompletableFuture<CampaignResponse> bob = election.campaign(name, bobLease, bs("bob"));
        Thread.sleep(1500);
        assertThat(bob).as("bob's campaign while alice leads").isNotDone();

        await(election.proclaim(aliceKey, bs("alice again")));
        assertThat(observed.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("alice again");
        assertThat(str(await(election.leader(name)).getKv().getValue())).isEqualTo("alice again");

        await(election.resign(aliceKey));
        LeaderKey bobKey = bob.get(TIMEOUT_S, TimeUnit.SECONDS).getLeader();
        assertThat(str(bobKey.getKey())).isNotEqualTo(str(aliceKey.getKey()));
        assertThat(observed.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("bob");
        assertThat(str(await(election.leader(name)).getKv().getValue())).isEqualTo("bob");

        await(election.resign(bobKey));
        assertThatThrownBy(() -> await(election.leader(name))).hasCauseInstanceOf(NoLeaderException.class);
        await(lease.revoke(aliceLease));
        await(lease.revoke(bobLease));
    }

    // ---- Cluster and Maintenance

    @Test
    void memberListNamesThreeVotingMembersWithTheClientUrlsOfTheEndpoints() throws Exception {
        List<Member> members = await(client.getClusterClient().listMember()).getMembers();
        assertThat(members).hasSize(3);
        assertThat(members).extracting(Member::getId).doesNotHaveDuplicates().doesNotContain(0L);
        assertThat(members).extracting(Member::getName).doesNotHaveDuplicates().doesNotContain("");
        assertThat(members).allSatisfy(m -> assertThat(m.isLearner()).isFalse());
        List<String> clientUrls = new ArrayList<>();
        for (Member m : members) {
            m.getClientURIs().stream().map(URI::toString).forEach(clientUrls::add);
        }
        assertThat(clientUrls).containsExactlyInAnyOrderElementsOf(cluster.urls());
    }

    @Test
    void statusOfEachMemberNamesItselfOneCommonLeaderAndItsVersion() throws Exception {
        Set<Long> memberIds = new HashSet<>();
        await(client.getClusterClient().listMember()).getMembers().forEach(m -> memberIds.add(m.getId()));
        Set<Long> self = new HashSet<>();
        Set<Long> leaders = new HashSet<>();
        for (String url : cluster.urls()) {
            StatusResponse s = await(client.getMaintenanceClient().statusMember(url));
            self.add(s.getHeader().getMemberId());
            leaders.add(s.getLeader());
            assertThat(s.getVersion()).matches("3\\.\\d+\\.\\d+.*");
            assertThat(s.getRaftIndex()).isPositive();
            assertThat(s.getRaftTerm()).isPositive();
            assertThat(s.getDbSize()).isPositive();
        }
        assertThat(self).isEqualTo(memberIds);
        assertThat(leaders).hasSize(1);
        assertThat(memberIds).containsAll(leaders);
        assertThat(await(client.getMaintenanceClient().listAlarms()).getAlarms()).isEmpty();
    }

    @Test
    void snapshotStreamsTheMembersStateEndingInTheSha256OfWhatCameBefore() throws Exception {
        await(kv.put(bs(ns + "k"), bs("v")));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long written = await(client.getMaintenanceClient().snapshot(out));
        byte[] bytes = out.toByteArray();
        assertThat(written).isEqualTo(bytes.length);
        assertThat(bytes.length % 512).isEqualTo(32);
        byte[] body = java.util.Arrays.copyOf(bytes, bytes.length - 32);
        assertThat(java.util.Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))
                .isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(body));
    }

    // ---- helpers

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private static List<String> keys(List<KeyValue> kvs) {
        return kvs.stream().map(k -> str(k.getKey())).toList();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** The first {@code n} events from the responses (a response may carry several). */
    private static List<WatchEvent> takeEvents(BlockingQueue<WatchResponse> responses, int n) throws InterruptedException {
        List<WatchEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (events.size() < n) {
            long left = deadline - System.nanoTime();
            WatchResponse r = left > 0 ? responses.poll(left, TimeUnit.NANOSECONDS) : null;
            assertThat(r).as("watch response %d of %d (got %s)", events.size() + 1, n, events).isNotNull();
            events.addAll(r.getEvents());
        }
        assertThat(events).hasSize(n);
        return events;
    }

    private static <T> StreamObserver<T> observer(BlockingQueue<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
