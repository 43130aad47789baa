package dev.golt.raft.linearizability;

import java.util.Objects;

/**
 * One client operation on etcd's key space, as {@link MvccModel} checks it: Put, Range of one key at
 * the latest revision, Range at a past revision, a compare-and-swap Txn, DeleteRange of one key;
 * its input, when it was invoked and returned (on the {@link MvccHistory}'s clock) and its outcome
 * if known. An operation whose outcome is unknown may or may not have taken effect at any time after
 * its invocation.
 */
public final class MvccOperation extends TimedOperation {

    public enum Kind { PUT, RANGE, RANGE_AT, CAS, DELETE }

    /** What a range returned for the key; a read of an absent key returns null instead. */
    public record KeyState(String value, long createRevision, long modRevision, long version) {
        @Override
        public String toString() {
            return value + "@c" + createRevision + "/m" + modRevision + "/v" + version;
        }
    }

    /** The errors etcd defines as definite answers to a read at a revision. */
    public enum Error { COMPACTED, FUTURE_REVISION }

    private final Kind kind;
    private final String key;
    private final String value;
    private final long revisionArg;
    private final boolean serializable;
    /**
     * The response header's revision; for a write of unknown outcome that {@link #pinned} says took
     * effect, the revision it must have had.
     */
    long revision;
    /** PUT or CAS of unknown outcome whose value a read returned, so it took effect at {@link #revision}. */
    boolean pinned;
    /** RANGE, RANGE_AT and a failed CAS: the key as read (null: absent). */
    KeyState read;
    /** CAS: the compare held. */
    boolean succeeded;
    /** DELETE: keys deleted. */
    long deleted;
    /** RANGE_AT: the definite error answered instead of the key. */
    Error error;

    private MvccOperation(Kind kind, int client, String key, String value, long revisionArg, boolean serializable) {
        super(client);
        this.kind = kind;
        this.key = Objects.requireNonNull(key);
        this.value = value;
        this.revisionArg = revisionArg;
        this.serializable = serializable;
    }

    public static MvccOperation put(int client, String key, String value) {
        return new MvccOperation(Kind.PUT, client, key, Objects.requireNonNull(value), 0, false);
    }

    /** A linearizable Range of {@code key} at the latest revision. */
    public static MvccOperation range(int client, String key) {
        return new MvccOperation(Kind.RANGE, client, key, null, 0, false);
    }

    /**
     * A Range of {@code key} at {@code revision}; {@code serializable} ones may be answered by a node
     * that is behind, so their header revision says nothing and is not checked.
     */
    public static MvccOperation rangeAt(int client, String key, long revision, boolean serializable) {
        if (revision <= 0) {
            throw new IllegalArgumentException("a past revision is positive: " + revision);
        }
        return new MvccOperation(Kind.RANGE_AT, client, key, null, revision, serializable);
    }

    /**
     * A Txn: if the key's mod revision is {@code modRevision} (if {@code modRevision == 0}: if its
     * create revision is 0, i.e. it is absent) then Put {@code value}, else Range the key.
     */
    public static MvccOperation cas(int client, String key, long modRevision, String value) {
        return new MvccOperation(Kind.CAS, client, key, Objects.requireNonNull(value), modRevision, false);
    }

    public static MvccOperation delete(int client, String key) {
        return new MvccOperation(Kind.DELETE, client, key, null, 0, false);
    }

    public Kind kind() {
        return kind;
    }

    public String key() {
        return key;
    }

    /** PUT and CAS: the value written. */
    public String value() {
        return value;
    }

    /** RANGE_AT: the revision read at. */
    public long atRevision() {
        return revisionArg;
    }

    /** CAS: the mod revision compared with (0: the key must be absent). */
    public long expectedModRevision() {
        return revisionArg;
    }

    public boolean serializable() {
        return serializable;
    }

    /** CAS with a definite outcome: whether the compare held. */
    public boolean succeeded() {
        return succeeded;
    }

    /** One line, tab-separated, that {@link #fromLine} reads back: a failing history can be checked again offline. */
    public String toLine() {
        return String.join("\t", kind.name(), Integer.toString(client), key, String.valueOf(value),
                Long.toString(revisionArg), Boolean.toString(serializable), Long.toString(invokedAt),
                Long.toString(returnedAt), Long.toString(revision),
                read == null ? "-" : read.value() + "," + read.createRevision() + "," + read.modRevision() + "," + read.version(),
                Boolean.toString(succeeded), Long.toString(deleted), String.valueOf(error));
    }

    public static MvccOperation fromLine(String line) {
        String[] f = line.split("\t");
        MvccOperation op = new MvccOperation(Kind.valueOf(f[0]), Integer.parseInt(f[1]), f[2],
                f[3].equals("null") ? null : f[3], Long.parseLong(f[4]), Boolean.parseBoolean(f[5]));
        op.invokedAt = Long.parseLong(f[6]);
        op.returnedAt = Long.parseLong(f[7]);
        op.revision = Long.parseLong(f[8]);
        if (!f[9].equals("-")) {
            String[] kv = f[9].split(",");
            op.read = new KeyState(kv[0], Long.parseLong(kv[1]), Long.parseLong(kv[2]), Long.parseLong(kv[3]));
        }
        op.succeeded = Boolean.parseBoolean(f[10]);
        op.deleted = Long.parseLong(f[11]);
        op.error = f[12].equals("null") ? null : Error.valueOf(f[12]);
        return op;
    }

    @Override
    public String toString() {
        String in = switch (kind) {
            case PUT -> "put(" + key + "," + value + ")";
            case RANGE -> "range(" + key + ")";
            case RANGE_AT -> "range(" + key + " at " + revisionArg + (serializable ? ", serializable)" : ")");
            case CAS -> "cas(" + key + ", mod=" + revisionArg + " -> " + value + ")";
            case DELETE -> "delete(" + key + ")";
        };
        String out;
        if (!known()) {
            out = pinned ? "? (read back: took effect at " + revision + ")" : "?";
        } else if (error != null) {
            out = error.toString();
        } else {
            out = switch (kind) {
                case PUT -> "ok";
                case RANGE, RANGE_AT -> String.valueOf(read);
                case CAS -> succeeded ? "swapped" : "failed, read " + read;
                case DELETE -> "deleted " + deleted;
            } + " rev " + revision;
        }
        return describe(in, out);
    }
}
