package dev.golt.server.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The snapshot directories of one node: {@code snapshots/<index>} are complete checkpoints of
 * the state machine (the newest is what InstallSnapshot streams), {@code snapshots/.tmp-*} are
 * checkpoints being written, {@code incoming/<index>-<term>} are snapshots being received.
 */
public final class Snapshots {

    private final Path root;
    private final Path incoming;

    public Snapshots(Path dataDir) {
        this.root = dataDir.resolve("snapshots");
        this.incoming = dataDir.resolve("incoming");
        try {
            Files.createDirectories(root);
            Files.createDirectories(incoming);
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
                    StateMachine.deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path tempDir() {
        return root.resolve(".tmp-" + System.nanoTime());
    }

    public Path dir(long index) {
        return root.resolve(Long.toString(index));
    }

    public Path incomingDir(long index, long term) {
        return incoming.resolve(index + "-" + term);
    }

    /** Makes a written checkpoint the snapshot at {@code index} and drops every older one. */
    public Path publish(Path tmp, long index) {
        Path target = dir(index);
        try {
            if (Files.exists(target)) {
                StateMachine.deleteTree(tmp);
            } else {
                Files.move(tmp, target);
            }
            dropOlderThan(index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    public OptionalLong latest() {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .mapToLong(Long::parseLong).max();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void dropOlderThan(long index) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.matches("\\d+") && Long.parseLong(n) < index) {
                    StateMachine.deleteTree(p);
                }
            }
        }
    }

    /** Drops partial receipts of snapshots other than {@code keep} (null: all). */
    public void dropIncomingExcept(Path keep) throws IOException {
        try (Stream<Path> s = Files.list(incoming)) {
            for (Path p : s.toList()) {
                if (!p.equals(keep)) {
                    StateMachine.deleteTree(p);
                }
            }
        }
    }

    public static long bytes(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
