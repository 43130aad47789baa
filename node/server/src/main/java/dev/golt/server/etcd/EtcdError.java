package dev.golt.server.etcd;

import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/**
 * etcd's client-visible errors (its {@code rpctypes} package): the gRPC code and the exact message,
 * since etcd's clients compare messages to recognise them. Applied commands carry only the message
 * (it is the same on every replica); {@link #toStatus} finds the code again.
 */
public final class EtcdError extends RuntimeException {

    public static final String KEY_NOT_FOUND = "etcdserver: key not found";
    public static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";
    public static final String LEASE_EXISTS = "etcdserver: lease already exists";
    public static final String DUPLICATE_KEY = "etcdserver: duplicate key given in txn request";
    public static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    public static final String FUTURE_REV = "etcdserver: mvcc: required revision is a future revision";
    public static final String EMPTY_KEY = "etcdserver: key is not provided";
    public static final String TOO_MANY_OPS = "etcdserver: too many operations in txn request";
    public static final String REQUEST_TOO_LARGE = "etcdserver: request is too large";
    public static final String NO_LEADER = "etcdserver: no leader";
    public static final String TIMEOUT = "etcdserver: request timed out";
    public static final String MEMBER_NOT_FOUND = "etcdserver: member not found";

    private static final Logger LOG = Logger.getLogger(EtcdError.class);

    private final Status.Code code;

    public EtcdError(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public static EtcdError invalid(String message) {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, message);
    }

    public static EtcdError fromApplied(String message) {
        return new EtcdError(codeOf(message), message);
    }

    public StatusRuntimeException toStatus() {
        return Status.fromCode(code).withDescription(getMessage()).asRuntimeException();
    }

    private static Status.Code codeOf(String message) {
        return switch (message) {
            case LEASE_NOT_FOUND -> Status.Code.NOT_FOUND;
            case LEASE_EXISTS -> Status.Code.FAILED_PRECONDITION;
            case COMPACTED, FUTURE_REV -> Status.Code.OUT_OF_RANGE;
            default -> Status.Code.INVALID_ARGUMENT;
        };
    }

    /** etcd's gRPC status for a failure of the etcd API: an EtcdError, or a node failure as etcd words it. */
    public static StatusRuntimeException status(Throwable failure) {
        Throwable t = GoltNode.unwrap(failure);
        if (t instanceof EtcdError e) {
            return e.toStatus();
        }
        if (t instanceof NodeException n) {
            return switch (n.kind()) {
                case UNAVAILABLE -> Status.UNAVAILABLE.withDescription(
                        n.getMessage().contains("leader") ? NO_LEADER : n.getMessage()).asRuntimeException();
                case TIMEOUT -> {
                    // Clients recognise etcd's exact message; ours says why.
                    LOG.debugf("answering %s for: %s", TIMEOUT, n.getMessage());
                    yield Status.UNAVAILABLE.withDescription(TIMEOUT).asRuntimeException();
                }
                case UNKNOWN_MEMBER -> Status.NOT_FOUND.withDescription(MEMBER_NOT_FOUND).asRuntimeException();
                case NOT_FOUND -> Status.NOT_FOUND.withDescription(n.getMessage()).asRuntimeException();
                case INVALID -> Status.INVALID_ARGUMENT.withDescription(n.getMessage()).asRuntimeException();
            };
        }
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        return Status.INTERNAL.withDescription(String.valueOf(t.getMessage())).withCause(t).asRuntimeException();
    }
}
