package dev.golt.server.node;

/**
 * Why a client request failed. The kind, never the message, decides how it is answered: the HTTP
 * layer maps it to a status and error code, and a leader sends it to a forwarding follower.
 */
public final class NodeException extends RuntimeException {

    public enum Kind {
        /** not applied: no leader, no quorum, proposal dropped or lost (HTTP 503) */
        UNAVAILABLE,
        /** may or may not have been applied (HTTP 504) */
        TIMEOUT,
        /** the request names a member that is not in the configuration (HTTP 404 unknown_member) */
        UNKNOWN_MEMBER,
        /** the request names something else that does not exist (HTTP 404) */
        NOT_FOUND,
        /** the request is invalid (HTTP 400) */
        INVALID
    }

    private final Kind kind;

    public NodeException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static NodeException unavailable(String message) {
        return new NodeException(Kind.UNAVAILABLE, message);
    }

    public static NodeException timeout(String message) {
        return new NodeException(Kind.TIMEOUT, message);
    }
}
