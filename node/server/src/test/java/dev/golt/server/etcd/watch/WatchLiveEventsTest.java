// Live watching over a real gRPC stream: what synced watchers get as writes are published — order,
// headers, prev_kv, filters, transactions, cancel, watch ids and the creates etcd refuses.
package dev.golt.server.etcd.watch;

import static dev.golt.server.etcd.watch.WatchClient.watch;
import static dev.golt.server.etcd.watch.WatchClient.watchAll;
import static dev.golt.server.etcd.watch.WatchClient.watchPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchResponse;
import dev.golt.storage.mvcc.KeyRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchLiveEventsTest {

    @TempDir
    Path dir;
    WatchFixture f;

    @BeforeEach
    void start() {
        f = new WatchFixture(dir);
    }

    @AfterEach
    void stop() throws InterruptedException {
        f.close();
    }

    @Test
    void aKeysPutsAndDeletesArriveInRevisionOrderEachUnderAHeaderOfItsRevision() {
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watch("a"));
            long r1 = f.put("a", "1");
            f.put("b", "x");
            long r3 = f.put("a", "2");
            long r4 = f.delete("a");

            List<WatchResponse> got = List.of(c.next(), c.next(), c.next());
            assertThat(got).extracting(WatchResponse::getWatchId).containsOnly(id);
            assertThat(got).extracting(r -> r.getHeader().getRevision()).containsExactly(r1, r3, r4);
            assertThat(got).allSatisfy(r -> {
                assertThat(r.getHeader().getClusterId()).isEqualTo(WatchFixture.CLUSTER_ID);
                assertThat(r.getHeader().getMemberId()).isEqualTo(WatchFixture.MEMBER_ID);
                assertThat(r.getHeader().getRaftTerm()).isEqualTo(WatchFixture.TERM);
            });
            List<Event> events = got.stream().flatMap(r -> r.getEventsList().stream()).toList();
            assertThat(events).extracting(Event::getType)
                    .containsExactly(Event.EventType.PUT, Event.EventType.PUT, Event.EventType.DELETE);
            assertThat(events.get(0).getKv().getValue().toStringUtf8()).isEqualTo("1");
            assertThat(events.get(1).getKv().getVersion()).isEqualTo(2);
            assertThat(events.get(1).getKv().getCreateRevision()).isEqualTo(r1);
            assertThat(events.get(2).getKv().getModRevision()).isEqualTo(r4);
            assertThat(events).allSatisfy(e -> assertThat(e.hasPrevKv()).isFalse());
            assertThat(c.poll(200)).isNull();
        }
    }

    @Test
    void everyWatchOnEveryStreamGetsEachMatchingEventOnceAndInOrder() {
        Random rnd = new Random(7);
        String[] keys = {"a", "ab", "b", "b/1", "b/2", "c", "k/x", "k/y", "z"};
        List<WatchClient> clients = new ArrayList<>();
        Map<long[], WatchCreateRequest.Builder> watches = new LinkedHashMap<>(); // {client, id} -> request
        List<WatchCreateRequest.Builder> kinds = List.of(watch("a"), watch("b/1"), watchPrefix("b/"), watchPrefix("k"),
                watchAll(), WatchClient.watch("a").setRangeEnd(WatchClient.bs("c")));
        for (int s = 0; s < 4; s++) {
            WatchClient c = f.client();
            clients.add(c);
            for (WatchCreateRequest.Builder kind : kinds) {
                watches.put(new long[] {s, c.createAndAwait(kind.clone())}, kind);
            }
        }
        long last = 0;
        for (int i = 0; i < 400; i++) {
            String k = keys[rnd.nextInt(keys.length)];
            last = rnd.nextInt(5) == 0 ? f.delete(k) : f.put(k, "v" + i);
        }
        last = f.put("a", "end"); // every watch but the prefix ones sees it; they see the one below
        long end = f.putAll(Map.of("b/1", "end", "k/x", "end"));

        Map<String, List<Event>> received = new LinkedHashMap<>();
        for (int s = 0; s < clients.size(); s++) {
            WatchClient c = clients.get(s);
            // Drain until every watch of this stream has seen the final revision (or as far as it can).
            List<WatchResponse> rs = new ArrayList<>();
            WatchResponse r;
            while ((r = c.poll(1000)) != null) {
                rs.add(r);
            }
            for (WatchResponse resp : rs) {
                received.computeIfAbsent(s + "/" + resp.getWatchId(), k -> new ArrayList<>()).addAll(resp.getEventsList());
            }
        }
        for (Map.Entry<long[], WatchCreateRequest.Builder> w : watches.entrySet()) {
            WatchCreateRequest req = w.getValue().build();
            KeyRange range = KeyRange.ofEtcd(req.getKey().toByteArray(), req.getRangeEnd().toByteArray());
            List<Event> expected = f.expected(range, 1, false, false, false);
            assertThat(expected).isNotEmpty();
            assertThat(received.getOrDefault(w.getKey()[0] + "/" + w.getKey()[1], List.of()))
                    .as("watch %s on stream %d", req.getKey().toStringUtf8(), w.getKey()[0])
                    .containsExactlyElementsOf(expected);
        }
        assertThat(end).isGreaterThan(last);
        clients.forEach(WatchClient::close);
    }

    @Test
    void prevKvCarriesTheVersionBeforeEachChange() {
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watch("a").setPrevKv(true));
            f.put("a", "1");
            f.put("a", "2");
            long del = f.delete("a");
            List<Event> events = c.eventsUntil(id, del);
            assertThat(events.get(0).hasPrevKv()).as("a create has no previous version").isFalse();
            assertThat(events.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
            assertThat(events.get(2).getPrevKv().getValue().toStringUtf8()).isEqualTo("2");
            assertThat(events.get(2).getPrevKv().getVersion()).isEqualTo(2);
        }
    }

    @Test
    void noPutAndNoDeleteFiltersLeaveOutTheirKindOfEvent() {
        try (WatchClient c = f.client()) {
            long deletesOnly = c.createAndAwait(watch("a").addFilters(WatchCreateRequest.FilterType.NOPUT));
            long putsOnly = c.createAndAwait(watch("a").addFilters(WatchCreateRequest.FilterType.NODELETE));
            f.put("a", "1");
            long del = f.delete("a");
            long put = f.put("a", "2");
            List<WatchResponse> rs = List.of(c.next(), c.next(), c.next());
            assertThat(rs).filteredOn(r -> r.getWatchId() == deletesOnly).singleElement()
                    .satisfies(r -> assertThat(r.getEvents(0).getKv().getModRevision()).isEqualTo(del));
            assertThat(rs).filteredOn(r -> r.getWatchId() == putsOnly).flatExtracting(WatchResponse::getEventsList)
                    .extracting(Event::getType).containsExactly(Event.EventType.PUT, Event.EventType.PUT);
            assertThat(rs.get(2).getHeader().getRevision()).isEqualTo(put);
            assertThat(c.poll(200)).isNull();
        }
    }

    @Test
    void theEventsOfOneTransactionArriveTogetherInOneResponse() {
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watchPrefix("t/"));
            Map<String, String> txn = new LinkedHashMap<>();
            txn.put("t/2", "b");
            txn.put("u", "d");
            txn.put("t/1", "a");
            txn.put("t/3", "c");
            long rev = f.putAll(txn);
            WatchResponse r = c.next();
            assertThat(r.getWatchId()).isEqualTo(id);
            assertThat(r.getEventsList()).as("in the transaction's order, as etcd sends them")
                    .extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("t/2", "t/1", "t/3");
            assertThat(r.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsOnly(rev);
        }
    }

    @Test
    void aCanceledWatchIsToldSoAndGetsNothingMore() {
        try (WatchClient c = f.client()) {
            long a = c.createAndAwait(watch("a"));
            long b = c.createAndAwait(watch("b"));
            f.put("a", "1");
            assertThat(c.next().getWatchId()).isEqualTo(a);
            c.cancel(a);
            WatchResponse canceled = c.next();
            assertThat(canceled.getWatchId()).isEqualTo(a);
            assertThat(canceled.getCanceled()).isTrue();
            assertThat(canceled.getCompactRevision()).isZero();
            f.put("a", "2");
            long rb = f.put("b", "1");
            WatchResponse next = c.next();
            assertThat(next.getWatchId()).isEqualTo(b);
            assertThat(next.getHeader().getRevision()).isEqualTo(rb);
            c.cancel(12345); // unknown: etcd answers nothing
            assertThat(c.poll(300)).isNull();
            assertThat(f.hub.stats().watchers()).isEqualTo(1);
        }
    }

    @Test
    void serverChosenIdsCountFromZeroAndAClientChosenIdInUseIsRefusedAsEtcdRefusesIt() {
        try (WatchClient c = f.client()) {
            assertThat(c.createAndAwait(watch("a"))).isZero();
            assertThat(c.createAndAwait(watch("a"))).isEqualTo(1);
            assertThat(c.createAndAwait(WireFields.withWatchIdAndFragment(watch("b"), 7, false))).isEqualTo(7);
            c.create(WireFields.withWatchIdAndFragment(watch("c"), 1, false));
            WatchResponse dup = c.next();
            assertThat(dup.getCreated()).isTrue();
            assertThat(dup.getCanceled()).isTrue();
            assertThat(dup.getWatchId()).isEqualTo(-1);
            assertThat(dup.getCancelReason()).isEqualTo("mvcc: duplicate watch ID provided on the WatchStream");

            long r = f.put("b", "x");
            WatchResponse ev = c.next();
            assertThat(ev.getWatchId()).isEqualTo(7);
            assertThat(ev.getHeader().getRevision()).isEqualTo(r);
        }
        try (WatchClient other = f.client()) {
            assertThat(other.createAndAwait(watch("a"))).as("ids are per stream").isZero();
        }
    }

    @Test
    void anEmptyRangeAndANegativeStartRevisionAreRefusedWithEtcdsReasons() {
        try (WatchClient c = f.client()) {
            c.create(watch("b").setRangeEnd(WatchClient.bs("a")));
            WatchResponse empty = c.next();
            assertThat(empty.getCreated() && empty.getCanceled()).isTrue();
            assertThat(empty.getWatchId()).isEqualTo(-1);
            assertThat(empty.getCancelReason()).isEqualTo("mvcc: watcher range is empty");

            c.create(watch("a").setStartRevision(-3));
            WatchResponse negative = c.next();
            assertThat(negative.getCreated() && negative.getCanceled()).isTrue();
            assertThat(negative.getCancelReason()).isEqualTo("etcdserver: mvcc: required revision has been compacted");
            assertThat(f.hub.stats().watchers()).isZero();
        }
    }

    @Test
    void aFutureStartRevisionDeliversNothingBeforeThatRevision() {
        try (WatchClient c = f.client()) {
            long now = f.put("a", "0");
            long id = c.createAndAwait(watch("a").setStartRevision(now + 3));
            f.put("a", "1");
            f.put("a", "2");
            long third = f.put("a", "3");
            WatchResponse r = c.next();
            assertThat(r.getWatchId()).isEqualTo(id);
            assertThat(r.getEventsList()).singleElement()
                    .satisfies(e -> assertThat(e.getKv().getModRevision()).isEqualTo(third));
        }
    }

    @Test
    void theCreatedResponseCarriesTheCurrentRevision() {
        f.put("a", "1");
        long rev = f.put("b", "1");
        try (WatchClient c = f.client()) {
            c.create(watch("a"));
            WatchResponse created = c.next();
            assertThat(created.getHeader().getRevision()).isEqualTo(rev);
            assertThat(created.getEventsCount()).isZero();
        }
    }
}
