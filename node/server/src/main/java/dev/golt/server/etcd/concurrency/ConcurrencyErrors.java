// ConcurrencyErrors: the errors etcd's Lock and Election servers answer with, code and text as
// etcd's gRPC server sends them (errors of client/v3/concurrency and v3election, EtcdError's text).
package dev.golt.server.etcd.concurrency;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * etcd's servers return the concurrency package's plain Go errors, which gRPC sends as
 * {@code UNKNOWN} with the error's text; errors of the inner KV/Lease/Watch calls reach the caller
 * the same way (clientv3 turns them into {@code EtcdError}, which carries no gRPC status), and a
 * call whose caller went away ends as Go's context error. {@link #toStatus} does the same mapping.
 */
final class ConcurrencyErrors {

    /** concurrency.ErrElectionNotLeader. */
    static final Status NOT_LEADER = Status.UNKNOWN.withDescription("election: not leader");
    /** concurrency.ErrElectionNoLeader. */
    static final Status NO_LEADER = Status.UNKNOWN.withDescription("election: no leader");
    /** concurrency.ErrSessionExpired: the waiter's key was gone (its lease expired) when its turn came. */
    static final Status SESSION_EXPIRED = Status.UNKNOWN.withDescription("mutex: session is expired");
    /** v3election.ErrMissingLeaderKey. */
    static final Status MISSING_LEADER_KEY = Status.UNKNOWN.withDescription("\"leader\" field must be provided");
    /** waitDelete's error when the watch ends without the delete and without an error. */
    static final Status LOST_WATCHER = Status.UNKNOWN.withDescription("lost watcher waiting for delete");
    /** rpctypes.ErrCompacted. */
    static final Status COMPACTED = Status.UNKNOWN.withDescription("etcdserver: mvcc: required revision has been compacted");
    /** rpctypes.ErrFutureRev. */
    static final Status FUTURE_REVISION = Status.UNKNOWN.withDescription("etcdserver: mvcc: required revision is a future revision");

    private static final String ETCD_ERROR_PREFIX = "etcdserver: ";

    private ConcurrencyErrors() {}

    /** The status etcd's server would end the current call with after {@code failure}. */
    static Status toStatus(Throwable failure) {
        Context context = Context.current();
        if (context.isCancelled()) {
            Deadline deadline = context.getDeadline();
            return deadline != null && deadline.isExpired()
                    ? Status.DEADLINE_EXCEEDED.withDescription("context deadline exceeded")
                    : Status.CANCELLED.withDescription("context canceled");
        }
        if (failure instanceof StatusRuntimeException e) {
            return etcdError(e.getStatus());
        }
        return Status.UNKNOWN.withDescription(String.valueOf(failure));
    }

    /** A watch cancelled by the server, as clientv3's WatchResponse.Err() reports it. */
    static Status watchCanceled(long compactRevision, String cancelReason) {
        if (compactRevision != 0) {
            return COMPACTED;
        }
        if (cancelReason.isEmpty()) {
            return FUTURE_REVISION;
        }
        return etcdError(Status.FAILED_PRECONDITION.withDescription(cancelReason));
    }

    /** An etcd server error ("etcdserver: ...") loses its code on the way, as EtcdError does. */
    private static Status etcdError(Status status) {
        String description = status.getDescription();
        if (description != null && description.startsWith(ETCD_ERROR_PREFIX)) {
            return Status.UNKNOWN.withDescription(description);
        }
        return status.withCause(null);
    }
}
