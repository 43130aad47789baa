package dev.golt.server.transport;

import com.google.protobuf.ByteString;
import dev.golt.proto.Message;
import dev.golt.proto.RaftTransportGrpc;
import dev.golt.proto.SnapshotAck;
import dev.golt.proto.SnapshotChunk;
import dev.golt.proto.SnapshotProbe;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * Streams one checkpoint directory to a peer: asks what the peer already holds of it (resumption),
 * then sends the rest in CRC'd chunks, one chunk in memory at a time, pacing on gRPC flow control.
 */
final class SnapshotSender {

    private static final Logger LOG = Logger.getLogger(SnapshotSender.class);
    static final int CHUNK_BYTES = 1 << 20;

    private final ManagedChannel channel;
    private final Message message;
    private final Path dir;

    SnapshotSender(ManagedChannel channel, Message message, Path dir) {
        this.channel = channel;
        this.message = message;
        this.dir = dir;
    }

    boolean run() {
        long index = message.getSnapshot().getIndex();
        long term = message.getSnapshot().getTerm();
        try {
            Map<String, Long> files = listFiles();
            SnapshotAck have = RaftTransportGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .probeSnapshot(SnapshotProbe.newBuilder().setSnapshotIndex(index).setSnapshotTerm(term).build());
            Semaphore writable = new Semaphore(0);
            CompletableFuture<SnapshotAck> ack = new CompletableFuture<>();
            ClientCallStreamObserver<SnapshotChunk>[] holder = new ClientCallStreamObserver[1];
            RaftTransportGrpc.newStub(channel).withMaxOutboundMessageSize(CHUNK_BYTES * 2)
                    .installSnapshot(new ClientResponseObserver<SnapshotChunk, SnapshotAck>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<SnapshotChunk> s) {
                            holder[0] = s;
                            s.setOnReadyHandler(writable::release);
                        }

                        @Override
                        public void onNext(SnapshotAck value) {
                            ack.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            ack.completeExceptionally(t);
                            writable.release();
                        }

                        @Override
                        public void onCompleted() {
                            ack.complete(SnapshotAck.newBuilder().setError("no ack").build());
                        }
                    });
            ClientCallStreamObserver<SnapshotChunk> out = holder[0];
            long sent = 0;
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES);
            for (Map.Entry<String, Long> f : files.entrySet()) {
                long offset = Math.min(have.getReceivedOrDefault(f.getKey(), 0L), f.getValue());
                if (offset == f.getValue() && offset > 0) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(dir.resolve(f.getKey()))) {
                    do {
                        buf.clear();
                        int n = 0;
                        while (buf.hasRemaining()) {
                            int r = ch.read(buf, offset + n);
                            if (r < 0) {
                                break;
                            }
                            n += r;
                        }
                        buf.flip();
                        ByteString data = ByteString.copyFrom(buf);
                        CRC32C crc = new CRC32C();
                        crc.update(data.asReadOnlyByteBuffer());
                        boolean last = offset + n >= f.getValue();
                        awaitWritable(out, writable, ack);
                        out.onNext(SnapshotChunk.newBuilder().setSnapshotIndex(index).setSnapshotTerm(term)
                                .setFileName(f.getKey()).setOffset(offset).setData(data)
                                .setCrc32C((int) crc.getValue()).setLastChunkOfFile(last).build());
                        offset += n;
                        sent += n;
                        if (last) {
                            break;
                        }
                    } while (true);
                }
            }
            awaitWritable(out, writable, ack);
            out.onNext(SnapshotChunk.newBuilder().setSnapshotIndex(index).setSnapshotTerm(term)
                    .setMessage(message).putAllFileSizes(files).build());
            out.onCompleted();
            SnapshotAck result = ack.get(60, TimeUnit.SECONDS);
            if (!result.getAccepted()) {
                LOG.warnf("snapshot %d to %s refused: %s", index, message.getTo(), result.getError());
            } else {
                LOG.infof("snapshot %d sent to %s (%d bytes streamed)", index, message.getTo(), sent);
            }
            return result.getAccepted();
        } catch (Exception e) {
            LOG.warnf("snapshot %d to %s failed: %s", index, message.getTo(), e.toString());
            return false;
        }
    }

    private static void awaitWritable(ClientCallStreamObserver<SnapshotChunk> out, Semaphore writable,
            CompletableFuture<SnapshotAck> ack) throws InterruptedException, IOException {
        while (!out.isReady()) {
            if (ack.isDone()) {
                throw new IOException("stream ended early");
            }
            writable.tryAcquire(100, TimeUnit.MILLISECONDS);
        }
    }

    private Map<String, Long> listFiles() throws IOException {
        Map<String, Long> files = new LinkedHashMap<>();
        List<Path> paths;
        try (Stream<Path> s = Files.walk(dir)) {
            paths = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : paths) {
            files.put(dir.relativize(p).toString().replace('\\', '/'), Files.size(p));
        }
        return files;
    }
}
