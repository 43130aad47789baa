// Test helper: one Watch stream from a grpc-java client, its responses collected in arrival order,
// optionally reading only what it asks for so that a test can play a client that stops reading.
package dev.golt.server.etcd.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.WatchCancelRequest;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchGrpc;
import dev.golt.etcd.api.WatchProgressRequest;
import dev.golt.etcd.api.WatchRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

final class WatchClient implements AutoCloseable {

    static final long TIMEOUT_SECONDS = 20;

    private final LinkedBlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile ClientCallStreamObserver<WatchRequest> requests;
    volatile Throwable error;
    volatile boolean completed;

    WatchClient(Channel channel, boolean manualFlow) {
        WatchGrpc.newStub(channel).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> r) {
                requests = r;
                if (manualFlow) {
                    r.disableAutoRequestWithInitial(0);
                }
            }

            @Override
            public void onNext(WatchResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                error = t;
                ended.countDown();
            }

            @Override
            public void onCompleted() {
                completed = true;
                ended.countDown();
            }
        });
    }

    static WatchCreateRequest.Builder watch(String key) {
        return WatchCreateRequest.newBuilder().setKey(bs(key));
    }

    static WatchCreateRequest.Builder watchPrefix(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] end = p.clone();
        end[end.length - 1]++;
        return WatchCreateRequest.newBuilder().setKey(ByteString.copyFrom(p)).setRangeEnd(ByteString.copyFrom(end));
    }

    static WatchCreateRequest.Builder watchAll() {
        return WatchCreateRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0}));
    }

    static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    synchronized void send(WatchRequest r) {
        requests.onNext(r);
    }

    void create(WatchCreateRequest.Builder b) {
        send(WatchRequest.newBuilder().setCreateRequest(b).build());
    }

    /** Creates a watch and waits for its created response; returns its id. Only before any events flow. */
    long createAndAwait(WatchCreateRequest.Builder b) {
        create(b);
        WatchResponse r = next();
        assertThat(r.getCreated()).as("created response %s", r).isTrue();
        assertThat(r.getCanceled()).as("refused: %s", r.getCancelReason()).isFalse();
        return r.getWatchId();
    }

    void cancel(long id) {
        send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
    }

    void requestProgress() {
        send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    }

    /** Manual flow control: lets {@code n} more responses in. */
    void request(int n) {
        requests.request(n);
    }

    synchronized void halfClose() {
        requests.onCompleted();
    }

    void cancelCall() {
        requests.cancel("test cancels", null);
    }

    WatchResponse next() {
        try {
            WatchResponse r = responses.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (r == null) {
                fail("no watch response within " + TIMEOUT_SECONDS + " s (error: " + error + ")");
            }
            return r;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next response, or null when none comes within {@code millis}. */
    WatchResponse poll(long millis) {
        try {
            return responses.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Responses until one matches {@code last} (included). */
    List<WatchResponse> until(Predicate<WatchResponse> last) {
        List<WatchResponse> out = new ArrayList<>();
        while (true) {
            WatchResponse r = next();
            out.add(r);
            if (last.test(r)) {
                return out;
            }
        }
    }

    /** Every event for {@code watchId} until one at {@code revision} arrived, in arrival order. */
    List<Event> eventsUntil(long watchId, long revision) {
        List<Event> out = new ArrayList<>();
        while (out.isEmpty() || out.get(out.size() - 1).getKv().getModRevision() < revision) {
            WatchResponse r = next();
            assertThat(r.getCanceled()).as("canceled while waiting for events: %s", r).isFalse();
            if (r.getWatchId() == watchId) {
                out.addAll(r.getEventsList());
            }
        }
        return out;
    }

    int pending() {
        return responses.size();
    }

    boolean awaitEnd() {
        try {
            return ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (ended.getCount() > 0) {
            cancelCall();
        }
    }
}
