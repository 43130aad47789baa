package dev.golt.server.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.Command;
import dev.golt.proto.CompareAndSet;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.storage.KeyValueStore;
import dev.golt.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The key-value state machine over the LSM store. The driver thread applies; any thread reads.
 * The store can be replaced wholesale by a snapshot received from the leader.
 */
public final class StateMachine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StateMachine.class);
    private static final byte[] TOMBSTONE = new byte[0];

    private final Path dir;
    private final Function<Path, KeyValueStore> opener;
    private volatile KeyValueStore store;
    private volatile long appliedIndex;

    public StateMachine(Path dir, Function<Path, KeyValueStore> opener) {
        this.dir = dir;
        this.opener = opener;
        recoverInterruptedInstall();
        this.store = opener.apply(dir);
        this.appliedIndex = store.appliedIndex();
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public KeyValueStore store() {
        return store;
    }

    public byte[] get(byte[] key) {
        return store.get(key);
    }

    public List<KeyValueStore.KeyValue> scan(byte[] prefix, byte[] after, int limit) {
        return store.scan(prefix, after, limit);
    }

    /**
     * Applies committed entries (skipping those the store already reflects) as one atomic batch.
     *
     * @return the result of each applied normal entry carrying a command, by position in {@code entries}
     *         (null for entries without a result)
     */
    public ApplyResult[] apply(List<Entry> entries) {
        ApplyResult[] results = new ApplyResult[entries.size()];
        if (entries.isEmpty()) {
            return results;
        }
        KeyValueStore s = store;
        WriteBatch batch = new WriteBatch();
        Map<ByteString, byte[]> overlay = new HashMap<>();
        long last = appliedIndex;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.getIndex() <= last) {
                continue;
            }
            last = e.getIndex();
            if (e.getType() != EntryType.ENTRY_NORMAL || e.getData().isEmpty()) {
                continue;
            }
            Command cmd;
            try {
                cmd = Command.parseFrom(e.getData());
            } catch (InvalidProtocolBufferException ex) {
                // Validated before proposing, so this is a bug elsewhere; skipping keeps replicas identical.
                LOG.errorf("entry %d holds no valid command; skipped", e.getIndex());
                continue;
            }
            results[i] = applyOne(e.getIndex(), cmd, s, batch, overlay);
        }
        if (last > appliedIndex) {
            s.apply(batch, last);
            appliedIndex = last;
        }
        return results;
    }

    private static ApplyResult applyOne(long index, Command cmd, KeyValueStore s, WriteBatch batch,
            Map<ByteString, byte[]> overlay) {
        switch (cmd.getOpCase()) {
            case PUT -> {
                ByteString k = cmd.getPut().getKey();
                byte[] v = cmd.getPut().getValue().toByteArray();
                batch.put(k.toByteArray(), v);
                overlay.put(k, v);
                return new ApplyResult(index, true, v);
            }
            case DELETE -> {
                ByteString k = cmd.getDelete().getKey();
                boolean found = read(k, s, overlay) != null;
                if (found) {
                    batch.delete(k.toByteArray());
                    overlay.put(k, TOMBSTONE);
                }
                return new ApplyResult(index, found, null);
            }
            case CAS -> {
                CompareAndSet cas = cmd.getCas();
                ByteString k = cas.getKey();
                byte[] current = read(k, s, overlay);
                boolean match = cas.getHasExpected()
                        ? current != null && Arrays.equals(current, cas.getExpected().toByteArray())
                        : current == null;
                if (!match) {
                    return new ApplyResult(index, false, current);
                }
                if (cas.getHasValue()) {
                    byte[] v = cas.getValue().toByteArray();
                    batch.put(k.toByteArray(), v);
                    overlay.put(k, v);
                    return new ApplyResult(index, true, v);
                }
                if (current != null) {
                    batch.delete(k.toByteArray());
                    overlay.put(k, TOMBSTONE);
                }
                return new ApplyResult(index, true, null);
            }
            default -> {
                LOG.errorf("entry %d holds an empty command; skipped", index);
                return null;
            }
        }
    }

    private static byte[] read(ByteString key, KeyValueStore s, Map<ByteString, byte[]> overlay) {
        byte[] v = overlay.get(key);
        if (v == TOMBSTONE) {
            return null;
        }
        return v != null ? v : s.get(key.toByteArray());
    }

    /** Writes a checkpoint into {@code target} (must not exist); safe while the driver applies. */
    public long checkpoint(Path target) {
        return store.checkpoint(target);
    }

    /**
     * Replaces the store by a received checkpoint directory (moved into place). The swap goes
     * through a marker so that a crash half-way leaves either the old or the new store.
     */
    public void install(Path checkpointDir) {
        Path incoming = dir.resolveSibling(dir.getFileName() + ".incoming");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        try {
            deleteTree(incoming);
            deleteTree(old);
            Files.move(checkpointDir, incoming, StandardCopyOption.ATOMIC_MOVE);
            store.close();
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(incoming, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("installing snapshot from " + checkpointDir, e);
        }
        store = opener.apply(dir);
        appliedIndex = store.appliedIndex();
    }

    /** A crash between the two renames of {@link #install} leaves no store dir but a complete one beside it. */
    private void recoverInterruptedInstall() {
        Path incoming = dir.resolveSibling(dir.getFileName() + ".incoming");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        try {
            if (!Files.exists(dir) && Files.isDirectory(incoming)) {
                Files.move(incoming, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            deleteTree(old);
            deleteTree(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("recovering " + dir, e);
        }
    }

    @Override
    public void close() {
        store.close();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(paths::add);
        }
        paths.sort(Comparator.reverseOrder());
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
