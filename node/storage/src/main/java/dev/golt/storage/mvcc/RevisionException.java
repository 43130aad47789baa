package dev.golt.storage.mvcc;

/**
 * A read or compaction named a revision the store cannot serve: already compacted away, or not yet
 * reached. The messages are etcd's ({@code mvcc.ErrCompacted}, {@code mvcc.ErrFutureRev}), because
 * clients match on them.
 */
public final class RevisionException extends RuntimeException {

    public enum Kind { COMPACTED, FUTURE }

    private final Kind kind;
    private final long compactRevision;

    private RevisionException(Kind kind, String message, long compactRevision) {
        super(message);
        this.kind = kind;
        this.compactRevision = compactRevision;
    }

    public static RevisionException compacted(long compactRevision) {
        return new RevisionException(Kind.COMPACTED, "mvcc: required revision has been compacted", compactRevision);
    }

    public static RevisionException future() {
        return new RevisionException(Kind.FUTURE, "mvcc: required revision is a future revision", 0);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#COMPACTED}: the store's compacted revision (a watcher resumes after it). */
    public long compactRevision() {
        return compactRevision;
    }
}
