// Progress: the answer to a client's progress request (watch id -1, the revision every watcher of the
// stream has reached, only once they all have) and the periodic notifications of progress_notify
// watchers, elided while events flow.
package dev.golt.server.etcd.watch;

import static dev.golt.server.etcd.watch.WatchClient.watch;
import static dev.golt.server.etcd.watch.WatchClient.watchAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.WatchResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchProgressTest {

    @TempDir
    Path dir;
    WatchFixture f;

    @AfterEach
    void stop() throws InterruptedException {
        f.close();
    }

    private static boolean isProgress(WatchResponse r) {
        return r.getEventsCount() == 0 && !r.getCreated() && !r.getCanceled() && r.getCompactRevision() == 0;
    }

    @Test
    void aProgressRequestIsAnsweredWithWatchIdMinusOneAndTheRevisionEveryWatcherHasReached() {
        f = new WatchFixture(dir);
        try (WatchClient c = f.client()) {
            c.createAndAwait(watch("a"));
            c.createAndAwait(watch("b"));
            f.put("a", "1");
            long rev = f.put("c", "1"); // no watcher sees it, but both have reached it
            assertThat(c.next().getEventsCount()).isEqualTo(1);
            c.requestProgress();
            WatchResponse p = c.next();
            assertThat(isProgress(p)).as("%s", p).isTrue();
            assertThat(p.getWatchId()).isEqualTo(-1);
            assertThat(p.getHeader().getRevision()).isEqualTo(rev);
            assertThat(p.getHeader().getClusterId()).isEqualTo(WatchFixture.CLUSTER_ID);
        }
    }

    @Test
    void aProgressRequestWhileAWatcherIsBehindIsAnsweredAfterItsReplayNotBefore() throws Exception {
        f = new WatchFixture(dir, WatchLimits.defaults().withStreamQueueBytes(8 << 10).withCatchUp(50, 1 << 20),
                WatchService.DEFAULT_PROGRESS_INTERVAL, WatchService.DEFAULT_MAX_RESPONSE_BYTES);
        // More than gRPC buffers for a client that does not read (its HTTP/2 window and the server's
        // ready threshold, a few MiB at most), so that the replay must wait for the client.
        String pad = "x".repeat(1000);
        for (int i = 0; i < 5000; i++) {
            f.put("k" + (i % 7), pad + i);
        }
        long last = f.revision();
        try (WatchClient c = f.manualClient()) {
            c.request(1);
            c.create(watchAll().setStartRevision(1));
            assertThat(c.next().getCreated()).isTrue();
            c.requestProgress();
            Thread.sleep(300);
            assertThat(f.hub.stats().unsyncedWatchers()).as("the replay waits for the client to read").isEqualTo(1);

            c.request(Integer.MAX_VALUE);
            List<WatchResponse> rs = c.until(WatchProgressTest::isProgress);
            long lastEvent = rs.stream().filter(r -> r.getEventsCount() > 0)
                    .mapToLong(r -> r.getEvents(r.getEventsCount() - 1).getKv().getModRevision()).max().orElseThrow();
            assertThat(lastEvent).as("every replayed event came before the progress answer").isEqualTo(last);
            WatchResponse p = rs.get(rs.size() - 1);
            assertThat(p.getWatchId()).isEqualTo(-1);
            assertThat(p.getHeader().getRevision()).isEqualTo(last);
        }
    }

    @Test
    void aProgressRequestWaitsWhileAWatcherHasNotReachedItsFutureStartRevision() {
        f = new WatchFixture(dir);
        long now = f.put("a", "0");
        try (WatchClient c = f.client()) {
            c.createAndAwait(watch("a").setStartRevision(now + 2));
            c.requestProgress();
            assertThat(c.poll(300)).isNull();
            f.put("b", "1");
            assertThat(c.poll(300)).isNull();
            long reached = f.put("b", "2");
            WatchResponse p = c.next();
            assertThat(isProgress(p)).isTrue();
            assertThat(p.getHeader().getRevision()).isEqualTo(reached);
        }
    }

    @Test
    void progressNotifyWatchersHearTheRevisionEveryIntervalWhileNothingHappens() {
        f = new WatchFixture(dir, WatchLimits.defaults(), Duration.ofMillis(150), WatchService.DEFAULT_MAX_RESPONSE_BYTES);
        long rev = f.put("x", "1");
        try (WatchClient c = f.client()) {
            long notified = c.createAndAwait(watch("a").setProgressNotify(true));
            c.createAndAwait(watch("a"));
            List<WatchResponse> got = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofMillis(1200).toNanos();
            while (System.nanoTime() < until) {
                WatchResponse r = c.poll(50);
                if (r != null) {
                    got.add(r);
                }
            }
            assertThat(got).hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> {
                assertThat(isProgress(r)).isTrue();
                assertThat(r.getWatchId()).as("only the watch that asked").isEqualTo(notified);
                assertThat(r.getHeader().getRevision()).isEqualTo(rev);
            });
        }
    }

    @Test
    void noProgressNotificationIsSentWhileEventsKeepFlowing() throws Exception {
        f = new WatchFixture(dir, WatchLimits.defaults(), Duration.ofMillis(200), WatchService.DEFAULT_MAX_RESPONSE_BYTES);
        try (WatchClient c = f.client()) {
            long id = c.createAndAwait(watch("a").setProgressNotify(true));
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            int i = 0;
            while (System.nanoTime() < until) {
                f.put("a", "v" + i++);
                Thread.sleep(10);
            }
            int progress = 0;
            WatchResponse r;
            while ((r = c.poll(100)) != null) {
                assertThat(r.getWatchId()).isEqualTo(id);
                progress += isProgress(r) ? 1 : 0;
            }
            // A tick that finds events since the previous one skips its notification (etcd's elision);
            // allow one for a scheduling hiccup of the writer on a loaded machine.
            assertThat(progress).isLessThanOrEqualTo(1);
        }
    }
}
