package dev.golt.server.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

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
}
