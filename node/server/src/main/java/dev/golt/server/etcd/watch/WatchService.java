package dev.golt.server.etcd.watch;

import dev.golt.etcd.api.ResponseHeader;
import dev.golt.etcd.api.WatchGrpc;
import dev.golt.etcd.api.WatchRequest;
import dev.golt.etcd.api.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * etcd's Watch service over a {@link WatchHub}: one bidirectional stream per client carrying any
 * number of watches, each created, canceled and asked for progress through the stream, as etcd's
 * {@code v3rpc/watch.go} does it (same ids, cancel reasons, progress and fragment semantics).
 *
 * <p>Differences from etcd, both on purpose: a progress request that arrives while a watcher of the
 * stream is behind is answered once none is (etcd drops it); and a client that half-closes its side
 * of the stream loses its watchers and gets the call completed once what was queued has been sent
 * (etcd keeps serving a half-closed stream until the client cancels it; jetcd half-closes to stop
 * watching, and would otherwise leave its watchers behind).
 */
public final class WatchService extends WatchGrpc.WatchImplBase implements AutoCloseable {

    /** etcd's default --watch-progress-notify-interval. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMinutes(10);
    /** etcd's default --max-request-bytes, the size above which a fragmenting watcher's responses are cut. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1536 * 1024;

    private final WatchHub hub;
    private final LongFunction<ResponseHeader> headers;
    private final Duration progressInterval;
    private final int maxResponseBytes;
    private final ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("golt-watch-progress").factory());
    private final Set<ServerWatchStream> open = ConcurrentHashMap.newKeySet();

    /** With etcd's defaults: progress notifications every 10 minutes, fragments under 1.5 MiB. */
    public WatchService(WatchHub hub, LongFunction<ResponseHeader> headers) {
        this(hub, headers, DEFAULT_PROGRESS_INTERVAL, DEFAULT_MAX_RESPONSE_BYTES);
    }

    /**
     * @param headers          the response header for a revision (cluster id, member id, raft term);
     *                         called on the sending threads for every response, so cheap and thread-safe
     * @param progressInterval how often a progress_notify watcher with no events hears the revision
     *                         (each stream adds up to a tenth at random, as etcd does, so that streams
     *                         opened together do not tick together)
     * @param maxResponseBytes a fragmenting watcher's responses are cut below this size
     */
    public WatchService(WatchHub hub, LongFunction<ResponseHeader> headers, Duration progressInterval,
            int maxResponseBytes) {
        if (progressInterval.isNegative() || progressInterval.isZero() || maxResponseBytes < 1) {
            throw new IllegalArgumentException("progress interval and max response bytes must be positive");
        }
        this.hub = hub;
        this.headers = headers;
        this.progressInterval = progressInterval;
        this.maxResponseBytes = maxResponseBytes;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responseObserver) {
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) responseObserver;
        ServerWatchStream[] self = new ServerWatchStream[1];
        ServerWatchStream s = new ServerWatchStream(hub, call, headers, maxResponseBytes, sender,
                () -> open.remove(self[0]));
        self[0] = s;
        open.add(s);
        long period = jittered(progressInterval.toNanos());
        ScheduledFuture<?> ticks = ticker.scheduleAtFixedRate(s.stream::progressTick, period, period, TimeUnit.NANOSECONDS);
        s.start(ticks);
        return s;
    }

    private static long jittered(long nanos) {
        return nanos + ThreadLocalRandom.current().nextLong(Math.max(1, nanos / 10));
    }

    /** Open client streams (for metrics and tests). */
    public int streams() {
        return open.size();
    }

    /** Ends every open stream with UNAVAILABLE (clients reconnect, to this node or another) and stops the threads. */
    @Override
    public void close() {
        for (ServerWatchStream s : open) {
            s.abort(Status.UNAVAILABLE.withDescription("etcdserver: server stopped"));
        }
        ticker.shutdownNow();
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
