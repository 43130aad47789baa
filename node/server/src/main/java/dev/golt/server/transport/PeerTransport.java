package dev.golt.server.transport;

import dev.golt.proto.ForwardRequest;
import dev.golt.proto.ForwardResponse;
import dev.golt.proto.Message;
import dev.golt.proto.RaftTransportGrpc;
import dev.golt.proto.StreamAck;
import dev.golt.server.node.Outbox;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Client side of the peer transport: one persistent gRPC stream per peer carrying Raft messages,
 * with a bounded send queue drained as the stream becomes writable, reconnection with
 * exponential backoff, and snapshot streaming on a separate call.
 *
 * <p>Channels to every peer are made, and dialled, as soon as the peer's address is known, not on
 * the first message: making the first channel loads Netty and gRPC's client classes, which took
 * the driver thread 160 ms at start-up. The backoffs are ours: a broken stream is reopened after
 * 50 ms growing to 1 s (reset, and the stream reopened, as soon as the channel connects), a failed
 * connect redialled after 50 ms growing to 100 ms as etcd's peers do (after a kill -9 of all
 * members a 500 ms cap left a member's first votes to a peer that was already listening
 * dropped for 400 ms), both reset once connected. gRPC's own connect backoff (1 s
 * growing to 2 min) is made for the clients of a large service, not for a handful of peers that
 * restart together: when a whole cluster restarted, each node's first connects met peers not
 * listening yet, every channel then waited a second or more, and the three nodes came back at the
 * same instant and split the vote (kill-all recovery took 6 s; etcd's peers redial every 100 ms).
 * A refused connect on loopback or a LAN costs little.
 */
public final class PeerTransport implements Outbox, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PeerTransport.class);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_REDIAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_QUEUED_MESSAGES = 4096;
    private static final long MAX_QUEUED_BYTES = 64L << 20;

    private final String selfId;
    private final int maxMessageBytes;
    private final Consumer<String> unreachable;
    private final BiConsumer<String, Boolean> snapshotDone;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService redials = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("golt-peer-redial").factory());
    private volatile Map<String, String> addresses = Map.of();
    private volatile boolean closed;
    private volatile boolean isolated;

    public PeerTransport(String selfId, int maxMessageBytes, Consumer<String> unreachable,
            BiConsumer<String, Boolean> snapshotDone) {
        this.selfId = selfId;
        this.maxMessageBytes = maxMessageBytes;
        this.unreachable = unreachable;
        this.snapshotDone = snapshotDone;
    }

    @Override
    public void updateAddresses(Map<String, String> addresses) {
        this.addresses = Map.copyOf(addresses);
        peers.entrySet().removeIf(e -> {
            String a = addresses.get(e.getKey());
            if (a == null || !a.equals(e.getValue().address)) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (Map.Entry<String, String> e : addresses.entrySet()) {
            if (!closed && !e.getKey().equals(selfId)) {
                peers.computeIfAbsent(e.getKey(), k -> new Peer(k, e.getValue()));
            }
        }
    }

    /** Fault injection: while isolated, nothing is sent (every message counts as undeliverable). */
    public void setIsolated(boolean isolated) {
        this.isolated = isolated;
    }

    public String addressOf(String id) {
        return addresses.get(id);
    }

    @Override
    public void send(Message m) {
        Peer p = peer(m.getTo());
        if (p == null) {
            unreachable.accept(m.getTo());
            return;
        }
        if (!p.offer(m)) {
            unreachable.accept(m.getTo());
        }
    }

    @Override
    public void sendSnapshot(Message m, Path dir) {
        Peer p = peer(m.getTo());
        if (p == null) {
            snapshotDone.accept(m.getTo(), false);
            return;
        }
        Thread.ofVirtual().name("golt-snapshot-send-" + m.getTo()).start(() -> {
            boolean ok = new SnapshotSender(p.channel, m, dir).run();
            snapshotDone.accept(m.getTo(), ok);
        });
    }

    /**
     * A message from {@code id} arrived, so it is up again: retry our side now rather than when the
     * backoff (ours and the channel's, which grow while the peer restarts) runs out, so that a
     * restarted follower hears from its leader before its election timeout.
     */
    public void heardFrom(String id) {
        Peer p = peers.get(id);
        if (p != null && p.down) {
            p.reconnectNow();
        }
    }

    /** Hands a request to {@code leaderId}; fails with a gRPC status when unreachable. */
    public CompletableFuture<ForwardResponse> forward(String leaderId, ForwardRequest request, long timeoutMs) {
        Peer p = peer(leaderId);
        if (p == null) {
            return CompletableFuture.failedFuture(
                    Status.UNAVAILABLE.withDescription("no address for " + leaderId).asRuntimeException());
        }
        return p.forwards.send(request, timeoutMs);
    }

    private Peer peer(String id) {
        if (closed || isolated || id.equals(selfId)) {
            return null;
        }
        Peer p = peers.get(id);
        if (p != null) {
            return p;
        }
        String address = addresses.get(id);
        if (address == null) {
            return null;
        }
        return peers.computeIfAbsent(id, k -> new Peer(k, address));
    }

    @Override
    public void close() {
        closed = true;
        peers.values().forEach(Peer::close);
        peers.clear();
        redials.shutdownNow();
    }

    /** One peer: a channel, and the message stream over it (reopened after failures). */
    private final class Peer {
        final String id;
        final String address;
        final ManagedChannel channel;
        final ForwardStream forwards;
        private final ArrayDeque<Message> queue = new ArrayDeque<>();
        private long queuedBytes;
        private ClientCallStreamObserver<Message> stream;
        private long backoffNanos = MIN_BACKOFF_NANOS;
        private long redialNanos = MIN_BACKOFF_NANOS;
        private long nextAttempt;
        /** Set while the stream is broken: lets {@link #heardFrom} skip the lock on the hot path. */
        volatile boolean down;

        Peer(String id, String address) {
            this.id = id;
            this.address = address;
            // Callbacks never block (drain under a short lock, complete futures): run them on the
            // event loop rather than hopping to gRPC's cached thread pool for every message.
            // No gRPC retries: Raft resends what is lost itself, and a retriable stream keeps every
            // message it sent (up to 1 MiB per call, 16 MiB per channel) for a retry that never
            // comes; a member under write load held ~49,000 sent messages and their entries,
            // promoted to the old generation and dead there (heap histogram, sustained benchmark).
            this.channel = NettyChannelBuilder.forTarget(address).usePlaintext().directExecutor().disableRetry()
                    .maxInboundMessageSize(maxMessageBytes)
                    .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(5, TimeUnit.SECONDS)
                    .keepAliveWithoutCalls(true)
                    .build();
            this.forwards = new ForwardStream(channel, maxMessageBytes);
            followChannel(channel.getState(true));
        }

        /** After each failed connect, redials once our backoff has passed instead of gRPC's. */
        private void followChannel(ConnectivityState state) {
            switch (state) {
                case SHUTDOWN -> {
                    return;
                }
                case READY -> {
                    // Streams that broke while the peer was down would otherwise wait out their backoff
                    // (up to a second) on a channel that can carry them now.
                    redialNanos = MIN_BACKOFF_NANOS;
                    reconnectNow();
                }
                case TRANSIENT_FAILURE -> {
                    long delay = redialNanos;
                    redialNanos = Math.min(redialNanos * 3 / 2, MAX_REDIAL_NANOS);
                    try {
                        redials.schedule(channel::resetConnectBackoff, delay, TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException closing) {
                        return;
                    }
                }
                default -> { }
            }
            channel.notifyWhenStateChanged(state, () -> followChannel(channel.getState(false)));
        }

        synchronized boolean offer(Message m) {
            if (stream == null && !open()) {
                return false;
            }
            int size = m.getSerializedSize();
            if (queue.size() >= MAX_QUEUED_MESSAGES || queuedBytes + size > MAX_QUEUED_BYTES) {
                return false;
            }
            queue.add(m);
            queuedBytes += size;
            drain();
            return true;
        }

        private boolean open() {
            long now = System.nanoTime();
            if (now - nextAttempt < 0) {
                return false;
            }
            RaftTransportGrpc.newStub(channel).withMaxOutboundMessageSize(maxMessageBytes)
                    .stream(new ClientResponseObserver<Message, StreamAck>() {
                        private ClientCallStreamObserver<Message> call;

                        @Override
                        public void beforeStart(ClientCallStreamObserver<Message> requestStream) {
                            call = requestStream;
                            synchronized (Peer.this) {
                                stream = requestStream;
                            }
                            requestStream.setOnReadyHandler(Peer.this::onReady);
                        }

                        @Override
                        public void onNext(StreamAck value) { }

                        @Override
                        public void onError(Throwable t) {
                            broken(call, t);
                        }

                        @Override
                        public void onCompleted() {
                            broken(call, null);
                        }
                    });
            return stream != null;
        }

        synchronized void reconnectNow() {
            backoffNanos = MIN_BACKOFF_NANOS;
            nextAttempt = System.nanoTime();
            down = false;
            channel.resetConnectBackoff();
        }

        private synchronized void onReady() {
            backoffNanos = MIN_BACKOFF_NANOS;
            drain();
        }

        private void drain() {
            ClientCallStreamObserver<Message> s = stream;
            while (s != null && s.isReady() && !queue.isEmpty()) {
                Message m = queue.poll();
                queuedBytes -= m.getSerializedSize();
                s.onNext(m);
            }
        }

        private void broken(ClientCallStreamObserver<Message> call, Throwable t) {
            int dropped;
            synchronized (this) {
                if (stream != call) {
                    return;
                }
                stream = null;
                dropped = queue.size();
                queue.clear();
                queuedBytes = 0;
                nextAttempt = System.nanoTime() + backoffNanos;
                backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
                down = true;
            }
            if (!closed) {
                LOG.debugf("stream to %s (%s) broke: %s", id, address, t == null ? "closed" : t.toString());
                if (dropped > 0 || t != null) {
                    unreachable.accept(id);
                }
            }
        }

        void close() {
            synchronized (this) {
                if (stream != null) {
                    stream.cancel("transport closing", null);
                    stream = null;
                }
                queue.clear();
            }
            forwards.close();
            channel.shutdownNow();
        }
    }
}
