package dev.golt.server.transport;

import dev.golt.proto.SnapshotAck;
import dev.golt.proto.SnapshotChunk;
import dev.golt.server.node.Snapshots;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Receives one InstallSnapshot stream into {@code incoming/<index>-<term>}: checks each chunk's
 * CRC, appends at the stated offset (a resumed stream overwrites from there), and on the final
 * chunk checks every file's size, syncs, and returns the message to step. Not thread-safe: the
 * gRPC service feeds it one chunk at a time.
 */
final class SnapshotReceiver {

    private final Snapshots snapshots;
    private Path dir;

    SnapshotReceiver(Snapshots snapshots) {
        this.snapshots = snapshots;
    }

    static SnapshotAck probe(Snapshots snapshots, long index, long term) throws IOException {
        Path dir = snapshots.incomingDir(index, term);
        SnapshotAck.Builder ack = SnapshotAck.newBuilder().setAccepted(true);
        if (Files.isDirectory(dir)) {
            ack.putAllReceived(sizes(dir));
        }
        return ack.build();
    }

    /** @return true when this was the final chunk (its message is then ready to step) */
    boolean accept(SnapshotChunk chunk) throws IOException {
        if (dir == null) {
            dir = snapshots.incomingDir(chunk.getSnapshotIndex(), chunk.getSnapshotTerm());
            snapshots.dropIncomingExcept(dir);
            Files.createDirectories(dir);
        } else if (!dir.equals(snapshots.incomingDir(chunk.getSnapshotIndex(), chunk.getSnapshotTerm()))) {
            throw new IOException("chunks of different snapshots in one stream");
        }
        if (chunk.hasMessage()) {
            finish(chunk.getFileSizesMap());
            return true;
        }
        CRC32C crc = new CRC32C();
        crc.update(chunk.getData().asReadOnlyByteBuffer());
        if ((int) crc.getValue() != chunk.getCrc32C()) {
            throw new IOException("CRC mismatch in " + chunk.getFileName() + " at " + chunk.getOffset());
        }
        Path file = resolve(chunk.getFileName());
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (chunk.getOffset() > size) {
                throw new IOException("gap in " + chunk.getFileName() + ": have " + size + ", chunk at " + chunk.getOffset());
            }
            ch.truncate(chunk.getOffset());
            var data = chunk.getData().asReadOnlyByteBuffer();
            long pos = chunk.getOffset();
            while (data.hasRemaining()) {
                pos += ch.write(data, pos);
            }
        }
        return false;
    }

    private void finish(Map<String, Long> expected) throws IOException {
        Map<String, Long> have = sizes(dir);
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                throw new IOException("incomplete file " + e.getKey() + ": " + have.get(e.getKey()) + " of " + e.getValue());
            }
        }
        for (String extra : have.keySet()) {
            if (!expected.containsKey(extra)) {
                Files.delete(resolve(extra));
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path p : files) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
    }

    private Path resolve(String name) throws IOException {
        Path p = dir.resolve(name).normalize();
        if (!p.startsWith(dir) || p.equals(dir)) {
            throw new IOException("bad file name " + name);
        }
        return p;
    }

    private static Map<String, Long> sizes(Path dir) throws IOException {
        Map<String, Long> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString().replace('\\', '/'), Files.size(p));
            }
        }
        return m;
    }
}
