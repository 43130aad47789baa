// reset(): the store object is replaced wholesale, as installing a Raft snapshot does — here by a
// second real store that got the same history and then more (what the snapshot brings). Every watcher
// then catches up from the new store's history exactly where it was, or is canceled with
// compact_revision when the new store no longer holds that revision.
package dev.golt.server.etcd.watch;

import static dev.golt.server.etcd.watch.WatchClient.watch;
import static dev.golt.server.etcd.watch.WatchClient.watchAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.WatchResponse;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.MvccStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchResetTest {

    @TempDir
    Path dir;
    WatchFixture f;
    MvccStore replica;

    @BeforeEach
    void start() {
        f = new WatchFixture(dir);
        replica = f.openStore("replica");
    }

    @AfterEach
    void stop() throws InterruptedException {
        f.close();
    }

    /** A write the node applies (and publishes) and the replica gets too. */
    private long both(String key, String value) {
        long rev = f.put(key, value);
        f.applyTo(replica, w -> w.put(WatchFixture.bytes(key), WatchFixture.bytes(value), 0));
        assertThat(replica.revision()).isEqualTo(rev);
        return rev;
    }

    /** A write only the replica gets: the node learns of it from the snapshot. */
    private void replicaOnly(String key, String value) {
        f.applyTo(replica, w -> w.put(WatchFixture.bytes(key), WatchFixture.bytes(value), 0));
    }

    private void installReplica() {
        f.store.set(replica);
        f.hub.reset();
    }

    /** The replica's own event log, as etcd would send it: the truth after the swap. */
    private List<Event> history(KeyRange range, long from) {
        return replica.events(from, Integer.MAX_VALUE, false).stream()
                .filter(e -> range.contains(e.kv().key())).map(e -> WatchResponses.toProto(e, false)).toList();
    }

    @Test
    void afterTheStoreIsReplacedEachWatcherCatchesUpFromTheNewHistoryWithoutGapOrRepeat() {
        for (int i = 2; i <= 100; i++) { // the store starts at revision 1: write i is revision i
            both("k" + (i % 5), "v" + i);
        }
        try (WatchClient c = f.client()) {
            long live = c.createAndAwait(watchAll());
            long future = c.createAndAwait(watchAll().setStartRevision(150));
            long single = c.createAndAwait(watch("k3"));
            long past = c.createAndAwait(watchAll().setStartRevision(50)); // last: its replay follows at once
            assertThat(c.eventsUntil(past, 100)).hasSize(51);

            for (int i = 101; i <= 130; i++) {
                replicaOnly("k" + (i % 5), "snap" + i);
            }
            installReplica();
            assertThat(f.hub.revision()).isEqualTo(130);
            long last = 0;
            for (int i = 131; i <= 160; i++) {
                last = f.put("k" + (i % 5), "after" + i);
            }

            KeyRange all = KeyRange.ofEtcd(new byte[] {0}, new byte[] {0});
            List<WatchResponse> rs = c.until(r -> false == r.getEventsList().isEmpty() && r.getWatchId() == future
                    && r.getEvents(r.getEventsCount() - 1).getKv().getModRevision() == 160);
            // Everything else for the other watchers came in the same stream; sort it by watch.
            List<WatchResponse> rest = new java.util.ArrayList<>(rs);
            WatchResponse r;
            while ((r = c.poll(500)) != null) {
                rest.add(r);
            }
            assertThat(events(rest, live)).containsExactlyElementsOf(history(all, 101));
            assertThat(events(rest, past)).containsExactlyElementsOf(history(all, 101));
            assertThat(events(rest, future)).containsExactlyElementsOf(history(all, 150));
            assertThat(events(rest, single)).containsExactlyElementsOf(history(KeyRange.single(WatchFixture.bytes("k3")), 101));
            assertThat(last).isEqualTo(160);
            assertThat(f.hub.stats().unsyncedWatchers()).isZero();
        }
    }

    @Test
    void afterTheStoreIsReplacedWatchersBelowItsCompactedRevisionAreCanceledWithIt() {
        for (int i = 2; i <= 100; i++) { // the store starts at revision 1: write i is revision i
            both("k" + (i % 5), "v" + i);
        }
        try (WatchClient c = f.client()) {
            long live = c.createAndAwait(watchAll());
            long future = c.createAndAwait(watchAll().setStartRevision(170));
            for (int i = 101; i <= 200; i++) {
                replicaOnly("k" + (i % 5), "snap" + i);
            }
            f.applyTo(replica, w -> w.compact(150));
            installReplica();

            WatchResponse canceled = c.next();
            assertThat(canceled.getWatchId()).isEqualTo(live);
            assertThat(canceled.getCanceled()).isTrue();
            assertThat(canceled.getCompactRevision()).isEqualTo(150);

            KeyRange all = KeyRange.ofEtcd(new byte[] {0}, new byte[] {0});
            assertThat(c.eventsUntil(future, 200)).containsExactlyElementsOf(history(all, 170));
            long after = f.put("k1", "after");
            assertThat(c.eventsUntil(future, after)).extracting(e -> e.getKv().getModRevision()).containsExactly(after);
            assertThat(f.hub.stats().watchers()).isEqualTo(1);
        }
    }

    private static List<Event> events(List<WatchResponse> rs, long watchId) {
        return rs.stream().filter(r -> r.getWatchId() == watchId).flatMap(r -> r.getEventsList().stream()).toList();
    }
}
