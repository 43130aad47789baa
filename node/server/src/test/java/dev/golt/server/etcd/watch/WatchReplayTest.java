// Watches that start in the past: the catch-up replays the store's event log, then hands the watcher
// over to live events — with writes racing the replay, with prev_kv read from history, and against a
// compacted history (canceled with compact_revision, as etcd does).
package dev.golt.server.etcd.watch;

import static dev.golt.server.etcd.watch.WatchClient.watch;
import static dev.golt.server.etcd.watch.WatchClient.watchPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.WatchResponse;
import dev.golt.storage.mvcc.KeyRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchReplayTest {

    @TempDir
    Path dir;
    WatchFixture f;

    @AfterEach
    void stop() throws InterruptedException {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void aWatchFromAPastRevisionReplaysItsHistoryThenContinuesLive() {
        f = new WatchFixture(dir);
        for (int i = 1; i <= 50; i++) {
            f.put(i % 2 == 0 ? "k/even" : "k/odd", "v" + i);
        }
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watchPrefix("k/").setStartRevision(10));
            List<Event> replayed = c.eventsUntil(id, 50);
            assertThat(replayed).containsExactlyElementsOf(f.expected(KeyRange.prefix(WatchFixture.bytes("k/")), 10, false, false, false));
            long live = f.put("k/odd", "live");
            assertThat(c.eventsUntil(id, live)).extracting(e -> e.getKv().getModRevision()).containsExactly(live);
        }
    }

    @Test
    void aStartRevisionAtOrBelowTheCurrentOneIncludesThatRevision() {
        f = new WatchFixture(dir);
        long r1 = f.put("a", "1");
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watch("a").setStartRevision(r1));
            assertThat(c.eventsUntil(id, r1)).singleElement()
                    .satisfies(e -> assertThat(e.getKv().getValue().toStringUtf8()).isEqualTo("1"));
        }
    }

    @Test
    void replayingWhileWritesContinueLeavesNoGapAndNoDuplicate() throws Exception {
        // Small history reads and responses, so that the replay takes many passes for the writes to race.
        f = new WatchFixture(dir, WatchLimits.defaults().withCatchUp(40, 1 << 20).withStreamQueueBytes(16 << 10),
                WatchService.DEFAULT_PROGRESS_INTERVAL, WatchService.DEFAULT_MAX_RESPONSE_BYTES);
        int before = 3000;
        int during = 3000;
        for (int i = 0; i < before; i++) {
            f.put("k" + (i % 13), "v" + i);
        }
        try (WatchClient c = f.client()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < during; i++) {
                    f.put("k" + (i % 13), "w" + i);
                }
            });
            long[] starts = {1, 1000, before - 5, before};
            List<Long> ids = new ArrayList<>();
            for (long s : starts) {
                c.create(WatchClient.watchAll().setStartRevision(s));
            }
            // Created responses and events interleave now; sort them by watch.
            List<List<Long>> revisions = new ArrayList<>();
            for (int i = 0; i < starts.length; i++) {
                revisions.add(new ArrayList<>());
            }
            writer.get();
            long last = f.revision();
            int done = 0;
            while (done < starts.length) {
                WatchResponse r = c.next();
                if (r.getCreated()) {
                    ids.add(r.getWatchId());
                    continue;
                }
                int w = ids.indexOf(r.getWatchId());
                assertThat(w).as("events only after their watch was created").isNotNegative();
                for (Event e : r.getEventsList()) {
                    revisions.get(w).add(e.getKv().getModRevision());
                    if (e.getKv().getModRevision() == last) {
                        done++;
                    }
                }
            }
            for (int i = 0; i < starts.length; i++) {
                assertThat(revisions.get(i)).as("watch from %d", starts[i])
                        // the store starts at revision 1 (etcd's): the first write is 2
                        .containsExactlyElementsOf(LongStream.rangeClosed(Math.max(starts[i], 2), last).boxed().toList());
            }
            assertThat(c.poll(300)).isNull();
            assertThat(f.hub.stats().unsyncedWatchers()).isZero();
        }
    }

    @Test
    void aReplayWithPrevKvReadsEachPreviousVersionFromHistory() {
        f = new WatchFixture(dir);
        f.put("a", "1");
        f.put("a", "2");
        f.delete("a");
        f.put("a", "3");
        long last = f.put("a", "4");
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watch("a").setStartRevision(1).setPrevKv(true));
            assertThat(c.eventsUntil(id, last)).containsExactlyElementsOf(f.expected(KeyRange.single(WatchFixture.bytes("a")), 1, false, false, true));
        }
    }

    @Test
    void aStartRevisionBelowTheCompactedOneIsCreatedThenCanceledWithTheCompactRevision() {
        f = new WatchFixture(dir);
        for (int i = 2; i <= 20; i++) { // the store starts at revision 1: write i is revision i
            f.put("a", "v" + i);
        }
        f.compact(10);
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watch("a").setStartRevision(5));
            WatchResponse r = c.next();
            assertThat(r.getWatchId()).isEqualTo(id);
            assertThat(r.getCanceled()).isTrue();
            assertThat(r.getCompactRevision()).isEqualTo(10);
            assertThat(r.getEventsCount()).isZero();
            assertThat(f.hub.stats().watchers()).isZero();

            // The client resumes at the compact revision, as clientv3 lets it: that revision is still there.
            long resumed = c.createAndAwait(watch("a").setStartRevision(10));
            assertThat(c.eventsUntil(resumed, 20)).extracting(e -> e.getKv().getModRevision())
                    .containsExactlyElementsOf(LongStream.rangeClosed(10, 20).boxed().toList());
        }
    }
}
