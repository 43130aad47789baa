// A client that stops reading: gRPC flow control stops the sending, the stream's bounded queue fills,
// the watcher falls behind instead of buffering — memory stays within the queue bound and publish never
// waits — and once the client reads again it gets every event exactly once, in order, replayed from
// history; unless that history was compacted meanwhile, which cancels the watch with compact_revision.
package dev.golt.server.etcd.watch;

import static dev.golt.server.etcd.watch.WatchClient.watchAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.WatchResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlowConsumerTest {

    static final long QUEUE_BYTES = 64 << 10;

    @TempDir
    Path dir;

    private static WatchLimits smallQueues() {
        return WatchLimits.defaults().withStreamQueueBytes(QUEUE_BYTES);
    }

    @Test
    void aClientThatStopsReadingWhile100kEventsArePublishedCostsOnlyItsQueueAndThenGetsEveryEventOnceInOrder()
            throws Exception {
        int n = 100_000;
        String value = "v".repeat(100);
        try (WatchFixture f = new WatchFixture(dir, smallQueues(), WatchService.DEFAULT_PROGRESS_INTERVAL,
                WatchService.DEFAULT_MAX_RESPONSE_BYTES); WatchClient c = f.manualClient()) {
            f.keepLog = false;
            c.request(1);
            c.create(watchAll());
            long id = c.next().getWatchId();

            System.gc();
            long heapBefore = usedHeap();
            long maxQueued = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                f.put("key/" + (i % 1000), value);
                if (i % 1000 == 0) {
                    maxQueued = Math.max(maxQueued, f.hub.stats().queuedBytes());
                }
            }
            long writeNanos = System.nanoTime() - t0;
            WatchHub.Stats stalled = f.hub.stats();
            long peak = f.hub.streams().get(0).queue.peakBytes();
            System.gc();
            long heapStalled = usedHeap();

            assertThat(stalled.unsyncedWatchers()).as("the watcher fell behind instead of buffering").isEqualTo(1);
            assertThat(peak).as("the send queue never went over its bound").isLessThanOrEqualTo(QUEUE_BYTES);
            assertThat(maxQueued).isLessThanOrEqualTo(QUEUE_BYTES);
            // Had publish waited for the client, it would have waited for the whole write phase: the
            // client reads nothing until it is over. The bound is loose for a loaded, niced machine.
            assertThat(f.maxPublishNanos).as("publish never waited for the client")
                    .isLessThan(TimeUnit.SECONDS.toNanos(2));

            t0 = System.nanoTime();
            c.request(Integer.MAX_VALUE);
            List<Long> revisions = new ArrayList<>(n);
            long lastHeader = 0;
            while (revisions.size() < n) {
                WatchResponse r = c.next();
                assertThat(r.getWatchId()).isEqualTo(id);
                assertThat(r.getHeader().getRevision()).isGreaterThanOrEqualTo(lastHeader);
                lastHeader = r.getHeader().getRevision();
                for (Event e : r.getEventsList()) {
                    revisions.add(e.getKv().getModRevision());
                }
            }
            long readNanos = System.nanoTime() - t0;
            // the store starts at revision 1 (etcd's): the n writes are revisions 2..n+1
            assertThat(revisions).containsExactlyElementsOf(LongStream.rangeClosed(2, n + 1).boxed().toList());
            assertThat(c.poll(300)).isNull();
            assertThat(f.hub.stats().unsyncedWatchers()).as("level again").isZero();

            long after = f.put("key/0", "live");
            assertThat(c.eventsUntil(id, after)).extracting(e -> e.getKv().getModRevision()).containsExactly(after);
            System.out.printf("slow consumer: %d events written in %d ms (publish: %d ms in all, longest call %.2f ms); "
                            + "queue peak %d B of %d B; heap %d KiB before, %d KiB stalled; replayed to the client in %d ms%n",
                    n, writeNanos / 1_000_000, f.publishNanos / 1_000_000, f.maxPublishNanos / 1e6, peak, QUEUE_BYTES,
                    heapBefore >> 10, heapStalled >> 10, readNanos / 1_000_000);
        }
    }

    @Test
    void aStalledStreamDoesNotHoldBackAStreamThatReads() throws Exception {
        String pad = "p".repeat(500);
        try (WatchFixture f = new WatchFixture(dir, smallQueues(), WatchService.DEFAULT_PROGRESS_INTERVAL,
                WatchService.DEFAULT_MAX_RESPONSE_BYTES); WatchClient slow = f.manualClient(); WatchClient fast = f.client()) {
            slow.request(1);
            slow.create(watchAll());
            slow.next();
            long id = fast.createAndAwait(watchAll());
            long last = 0;
            for (int i = 0; i < 10_000; i++) {
                last = f.put("k" + (i % 10), pad);
            }
            assertThat(fast.eventsUntil(id, last)).hasSize(10_000);
            assertThat(f.hub.stats().unsyncedWatchers()).as("only the stalled one is behind").isEqualTo(1);
        }
    }

    @Test
    void aWatcherThatFellBehindPastACompactionIsCanceledWithTheCompactRevision() throws Exception {
        String pad = "c".repeat(1000);
        try (WatchFixture f = new WatchFixture(dir, smallQueues(), WatchService.DEFAULT_PROGRESS_INTERVAL,
                WatchService.DEFAULT_MAX_RESPONSE_BYTES); WatchClient c = f.manualClient()) {
            c.request(1);
            c.create(watchAll());
            long id = c.next().getWatchId();
            for (int i = 0; i < 8000; i++) {
                f.put("k" + (i % 10), pad);
            }
            assertThat(f.hub.stats().unsyncedWatchers()).isEqualTo(1);
            f.compact(7000);

            c.request(Integer.MAX_VALUE);
            List<Long> revisions = new ArrayList<>();
            WatchResponse r;
            while (!(r = c.next()).getCanceled()) {
                r.getEventsList().forEach(e -> revisions.add(e.getKv().getModRevision()));
            }
            assertThat(r.getWatchId()).isEqualTo(id);
            assertThat(r.getCompactRevision()).isEqualTo(7000);
            assertThat(revisions).as("what it got before is a gapless start of the history")
                    .containsExactlyElementsOf(LongStream.rangeClosed(2, revisions.size() + 1).boxed().toList());
            assertThat(revisions.size()).isLessThan(7000);
            assertThat(f.hub.stats().watchers()).isZero();
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
