package dev.golt.server.node;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.Command;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.server.etcd.EtcdError;
import dev.golt.storage.KeyValueStore;
import dev.golt.storage.WriteBatch;
import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.KeyValue;
import dev.golt.storage.mvcc.MvccStore;
import dev.golt.storage.mvcc.MvccWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The key-value state machine: etcd's multi-version store ({@link MvccStore}) over the LSM tree.
 * Each applied command is one {@link MvccWrite}, so one revision; the seed API's set/delete/cas are
 * a put, a delete and a one-key transaction of the same model. The driver thread applies; any
 * thread reads. The store can be replaced wholesale by a snapshot received from the leader.
 */
public final class StateMachine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StateMachine.class);

    /** Told about every applied change, on the applying thread, in revision order. */
    public interface Listener {
        default void applied(long revision, List<Event> events) {}

        default void leaseGranted(long id, long ttlSeconds) {}

        default void leaseRevoked(long id) {}

        default void compacted(long revision) {}

        /** The store was replaced by an installed snapshot. */
        default void reset() {}
    }

    private final Path dir;
    private final Function<Path, KeyValueStore> opener;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile KeyValueStore store;
    private volatile MvccStore mvcc;
    private volatile long appliedIndex;

    public StateMachine(Path dir, Function<Path, KeyValueStore> opener) {
        this.dir = dir;
        this.opener = opener;
        recoverInterruptedInstall();
        this.store = opener.apply(dir);
        this.mvcc = new MvccStore(store);
        this.appliedIndex = store.appliedIndex();
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public KeyValueStore store() {
        return store;
    }

    public MvccStore mvcc() {
        return mvcc;
    }

    /** The current value of {@code key}, or null. */
    public byte[] get(byte[] key) {
        KeyValue kv = mvcc.get(key);
        return kv == null ? null : kv.value();
    }

    public KeyValue getVersioned(byte[] key) {
        return mvcc.get(key);
    }

    /** Up to {@code limit} current keys with {@code prefix}, sorting after {@code after} (null: from the start). */
    public List<KeyValueStore.KeyValue> scan(byte[] prefix, byte[] after, int limit) {
        KeyRange all = KeyRange.prefix(prefix == null ? new byte[0] : prefix);
        byte[] from = after != null && Arrays.compareUnsigned(after, all.from()) >= 0
                ? Arrays.copyOf(after, after.length + 1) : all.from();
        List<KeyValueStore.KeyValue> out = new ArrayList<>();
        for (KeyValue kv : mvcc.range(new KeyRange(from, all.to()), 0, limit, false).kvs()) {
            out.add(new KeyValueStore.KeyValue(kv.key(), kv.value()));
        }
        return out;
    }

    /**
     * Applies committed entries (skipping those the store already reflects), each as one write.
     *
     * @return the result of each applied normal entry carrying a command, by position in {@code entries}
     *         (null for entries without a result)
     */
    public ApplyResult[] apply(List<Entry> entries) {
        ApplyResult[] results = new ApplyResult[entries.size()];
        long last = appliedIndex;
        long lastWritten = appliedIndex;
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
            results[i] = applyOne(e.getIndex(), cmd);
            lastWritten = e.getIndex();
        }
        if (last > lastWritten) {
            store.apply(new WriteBatch(), last);
        }
        appliedIndex = last;
        return results;
    }

    private ApplyResult applyOne(long index, Command cmd) {
        MvccStore m = mvcc;
        MvccWrite w = m.write();
        Commands.Applied applied;
        try {
            applied = Commands.apply(cmd, w);
        } catch (EtcdError refused) {
            // Deterministic on every replica: nothing of the command is kept.
            m.write().commit(index);
            return ApplyResult.refused(index, m.revision(), refused.getMessage());
        }
        List<Event> events = w.commit(index);
        long revision = m.revision();
        for (Listener l : listeners) {
            if (!events.isEmpty()) {
                l.applied(revision, events);
            }
            applied.notify(l);
        }
        return applied.result(index, revision);
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
        mvcc = new MvccStore(store);
        appliedIndex = store.appliedIndex();
        listeners.forEach(Listener::reset);
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
