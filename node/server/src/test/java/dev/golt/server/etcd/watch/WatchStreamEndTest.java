// The end of a client stream, however it comes: the client cancels its call, half-closes it, or the
// service shuts down — watchers go with it; and a client that sends requests without reading the
// answers is made to wait rather than queueing answers without bound.
package dev.golt.server.etcd.watch;

import static dev.golt.server.etcd.watch.WatchClient.watch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.WatchResponse;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchStreamEndTest {

    @TempDir
    Path dir;

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(until);
            Thread.sleep(10);
        }
    }

    @Test
    void aClientCancelingItsCallTakesItsWatchersAway() throws Exception {
        try (WatchFixture f = new WatchFixture(dir)) {
            WatchClient c = f.client();
            c.createAndAwait(watch("a"));
            c.createAndAwait(watch("b").setStartRevision(1));
            WatchClient other = f.client();
            other.createAndAwait(watch("a"));
            c.cancelCall();
            eventually(() -> f.hub.stats().watchers() == 1 && f.hub.stats().streams() == 1 && f.service.streams() == 1);
            long rev = f.put("a", "1");
            assertThat(other.next().getHeader().getRevision()).isEqualTo(rev);
            other.close();
        }
    }

    @Test
    void aHalfCloseTakesTheWatchersAwaySendsWhatWasQueuedAndCompletesTheCall() throws Exception {
        try (WatchFixture f = new WatchFixture(dir); WatchClient c = f.client()) {
            c.createAndAwait(watch("a"));
            long rev = f.put("a", "1");
            c.halfClose();
            assertThat(c.awaitEnd()).isTrue();
            assertThat(c.completed).as("completed, not failed: %s", c.error).isTrue();
            assertThat(c.next().getHeader().getRevision()).isEqualTo(rev);
            assertThat(f.hub.stats().watchers()).isZero();
            assertThat(f.hub.stats().streams()).isZero();
        }
    }

    @Test
    void closingTheServiceEndsOpenStreamsWithUnavailable() throws Exception {
        try (WatchFixture f = new WatchFixture(dir); WatchClient c = f.client()) {
            c.createAndAwait(watch("a"));
            f.service.close();
            assertThat(c.awaitEnd()).isTrue();
            assertThat(Status.fromThrowable(c.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(f.hub.stats().watchers()).isZero();
        }
    }

    @Test
    void aClientSendingRequestsWithoutReadingTheAnswersIsHeldBackNotQueuedFor() throws Exception {
        int n = 100_000;
        try (WatchFixture f = new WatchFixture(dir); WatchClient c = f.manualClient()) {
            c.request(1);
            c.create(watch("a"));
            assertThat(c.next().getCreated()).isTrue();
            for (int i = 0; i < n; i++) {
                c.requestProgress(); // each answered at once: every watcher is synced
            }
            // The answers fill gRPC's buffers, then the queue, then the server stops reading requests.
            Thread.sleep(1000);
            WatchStream s = f.hub.streams().get(0);
            int backlog = s.queue.controls();
            assertThat(backlog).isLessThanOrEqualTo(ServerWatchStream.CONTROL_BACKLOG + 1);

            c.request(Integer.MAX_VALUE);
            int progress = 0;
            while (progress < n) {
                WatchResponse r = c.next();
                assertThat(r.getWatchId()).isEqualTo(-1);
                progress++;
            }
            assertThat(c.poll(300)).isNull();
        }
    }
}
