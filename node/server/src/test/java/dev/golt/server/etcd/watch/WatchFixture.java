// Test fixture: a real multi-version store on a real LSM tree in a temporary directory, the watch hub
// and service over it on a real gRPC (Netty) server on 127.0.0.1, and the writes an applying thread
// would make — each committed to the store, then published to the hub, as the state machine does.
package dev.golt.server.etcd.watch;

import dev.golt.etcd.api.ResponseHeader;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.lsm.LsmOptions;
import dev.golt.storage.lsm.LsmStore;
import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.MvccStore;
import dev.golt.storage.mvcc.MvccWrite;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

final class WatchFixture implements AutoCloseable {

    static final long CLUSTER_ID = 0x1234;
    static final long MEMBER_ID = 0x42;
    static final long TERM = 7;

    private final Path dir;
    private final List<LsmStore> lsms = new ArrayList<>();
    final AtomicReference<MvccStore> store = new AtomicReference<>();
    final WatchHub hub;
    final WatchService service;
    private final Server server;
    final ManagedChannel channel;
    private long index;
    /** How long the applying thread spent in {@link WatchHub#publish}: the longest call, and all together. */
    volatile long maxPublishNanos;
    volatile long publishNanos;
    /** Every revision's events as the applying thread published them: the truth watchers are compared with. */
    final TreeMap<Long, List<Event>> log = new TreeMap<>();
    /** Off for tests that measure the heap, which the log would dominate. */
    volatile boolean keepLog = true;

    WatchFixture(Path dir) {
        this(dir, WatchLimits.defaults(), WatchService.DEFAULT_PROGRESS_INTERVAL, WatchService.DEFAULT_MAX_RESPONSE_BYTES);
    }

    WatchFixture(Path dir, WatchLimits limits, Duration progressInterval, int maxResponseBytes) {
        this(dir, limits, progressInterval, maxResponseBytes, 0);
    }

    /** @param clientWindow the client's HTTP/2 flow-control window (0: gRPC's default): small, a stall shows sooner */
    WatchFixture(Path dir, WatchLimits limits, Duration progressInterval, int maxResponseBytes, int clientWindow) {
        this.dir = dir;
        store.set(openStore("store-0"));
        hub = new WatchHub(store::get, limits);
        service = new WatchService(hub, WatchFixture::header, progressInterval, maxResponseBytes);
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NettyChannelBuilder cb = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20);
        if (clientWindow > 0) {
            cb.flowControlWindow(clientWindow);
        }
        channel = cb.build();
    }

    static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).setMemberId(MEMBER_ID).setRaftTerm(TERM)
                .setRevision(revision).build();
    }

    MvccStore openStore(String name) {
        LsmStore lsm = LsmStore.open(dir.resolve(name), LsmOptions.defaults().withFsync(FsyncPolicy.NEVER));
        lsms.add(lsm);
        return new MvccStore(lsm);
    }

    WatchClient client() {
        return new WatchClient(channel, false);
    }

    /** A client that reads only what it asks for ({@link WatchClient#request}): gRPC flow control holds the rest. */
    WatchClient manualClient() {
        return new WatchClient(channel, true);
    }

    // ------------------------------------------------------------------ the applying thread

    long put(String key, String value) {
        return apply(w -> w.put(bytes(key), bytes(value), 0));
    }

    long delete(String key) {
        return apply(w -> w.deleteRange(KeyRange.single(bytes(key))));
    }

    long deleteRange(KeyRange range) {
        return apply(w -> w.deleteRange(range));
    }

    /** Several puts in one revision (a transaction). */
    long putAll(Map<String, String> kvs) {
        return apply(w -> kvs.forEach((k, v) -> w.put(bytes(k), bytes(v), 0)));
    }

    /** Compacts the store's history below {@code revision} (a compaction changes no key: nothing is published). */
    void compact(long revision) {
        MvccWrite w = store.get().write();
        w.compact(revision);
        w.commit(++index);
    }

    interface Change {
        void apply(MvccWrite w);
    }

    /** Commits one write and publishes its events; returns its revision (the same when nothing changed). */
    synchronized long apply(Change change) {
        MvccWrite w = store.get().write();
        change.apply(w);
        List<Event> events = w.commit(++index);
        if (events.isEmpty()) {
            return w.baseRevision();
        }
        if (keepLog) {
            log.put(w.revision(), events);
        }
        long t0 = System.nanoTime();
        hub.publish(w.revision(), events);
        long took = System.nanoTime() - t0;
        maxPublishNanos = Math.max(maxPublishNanos, took);
        publishNanos += took;
        return w.revision();
    }

    /** Commits a write to {@code target} only, as a follower's store would get it; publishes nothing. */
    synchronized List<Event> applyTo(MvccStore target, Change change) {
        MvccWrite w = target.write();
        change.apply(w);
        return w.commit(++index);
    }

    /** What a watch of {@code range} from {@code fromRevision} must get, as etcd sends it, from the published log. */
    synchronized List<dev.golt.etcd.api.Event> expected(KeyRange range, long fromRevision, boolean noPut,
            boolean noDelete, boolean prevKv) {
        List<dev.golt.etcd.api.Event> out = new ArrayList<>();
        for (List<Event> events : log.tailMap(fromRevision, true).values()) {
            for (Event e : events) {
                boolean filtered = e.type() == Event.Type.PUT ? noPut : noDelete;
                if (!filtered && range.contains(e.kv().key())) {
                    out.add(WatchResponses.toProto(e, prevKv));
                }
            }
        }
        return out;
    }

    synchronized long revision() {
        return store.get().revision();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        service.close();
        hub.close();
        server.awaitTermination(5, TimeUnit.SECONDS);
        channel.awaitTermination(5, TimeUnit.SECONDS);
        for (LsmStore lsm : lsms) {
            lsm.close();
        }
    }
}
