package dev.golt.raft.linearizability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A concurrent history of {@link MvccOperation}s on etcd's key space (the clock: {@link Recorder}). */
public final class MvccHistory extends Recorder<MvccOperation> {

    public synchronized void putOk(MvccOperation op, long revision) {
        op.revision = revision;
        complete(op, MvccOperation.Kind.PUT);
    }

    /** A Range (latest or at a revision) answered; {@code read == null}: the key was absent. */
    public synchronized void rangeOk(MvccOperation op, MvccOperation.KeyState read, long revision) {
        op.read = read;
        op.revision = revision;
        complete(op, op.kind() == MvccOperation.Kind.RANGE ? MvccOperation.Kind.RANGE : MvccOperation.Kind.RANGE_AT);
    }

    /** A Range at a revision answered with one of etcd's definite errors instead. */
    public synchronized void rangeError(MvccOperation op, MvccOperation.Error error) {
        op.error = error;
        complete(op, MvccOperation.Kind.RANGE_AT);
    }

    /** @param read what the failure branch's Range read (ignored when the compare held) */
    public synchronized void casOk(MvccOperation op, boolean succeeded, MvccOperation.KeyState read, long revision) {
        op.succeeded = succeeded;
        op.read = succeeded ? null : read;
        op.revision = revision;
        complete(op, MvccOperation.Kind.CAS);
    }

    public synchronized void deleteOk(MvccOperation op, long deleted, long revision) {
        op.deleted = deleted;
        op.revision = revision;
        complete(op, MvccOperation.Kind.DELETE);
    }

    private void complete(MvccOperation op, MvccOperation.Kind kind) {
        returned(op, kind, op.kind());
    }

    /** The operations that may have taken effect, in invocation order. */
    public synchronized List<MvccOperation> operations() {
        List<MvccOperation> out = new ArrayList<>();
        for (MvccOperation op : recorded()) {
            boolean read = op.kind() == MvccOperation.Kind.RANGE || op.kind() == MvccOperation.Kind.RANGE_AT;
            // A read with an unknown outcome constrains nothing.
            if (op.known() || !read) {
                out.add(op);
            }
        }
        return out;
    }

    /** Writes {@link #operations()} to {@code file}, one {@link MvccOperation#toLine} a line. */
    public synchronized void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, operations().stream().map(MvccOperation::toLine).toList());
    }

    /** The operations {@link #write} wrote. */
    public static List<MvccOperation> read(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(MvccOperation::fromLine).toList();
    }
}
