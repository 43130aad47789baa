package dev.golt.server.node;

import dev.golt.proto.ForwardResponse;
import dev.golt.proto.ForwardResponse.Rejection;
import dev.golt.proto.ForwardResponse.Status;

/**
 * A failed request's {@link NodeException.Kind} on the wire between a leader and the follower that
 * forwarded it, both ways, so that the follower answers as the leader would (etcd carries its
 * errors between members as codes the same way: {@code rpctypes}, never message text).
 */
final class ForwardErrors {

    private ForwardErrors() {}

    /** The leader's answer to a request that failed with {@code t}. */
    static ForwardResponse response(Throwable t) {
        ForwardResponse.Builder b = ForwardResponse.newBuilder().setError(String.valueOf(t.getMessage()));
        if (!(t instanceof NodeException e)) {
            return b.setStatus(Status.UNAVAILABLE).build();
        }
        return switch (e.kind()) {
            case UNAVAILABLE -> b.setStatus(Status.UNAVAILABLE).build();
            case TIMEOUT -> b.setStatus(Status.TIMEOUT).build();
            case UNKNOWN_MEMBER -> b.setStatus(Status.REJECTED).setRejection(Rejection.UNKNOWN_MEMBER).build();
            case NOT_FOUND -> b.setStatus(Status.REJECTED).setRejection(Rejection.NOT_FOUND).build();
            case INVALID -> b.setStatus(Status.REJECTED).setRejection(Rejection.INVALID).build();
        };
    }

    /** The follower's kind for a {@code REJECTED} answer; a value from a newer leader reads as invalid. */
    static NodeException.Kind kind(Rejection rejection) {
        return switch (rejection) {
            case UNKNOWN_MEMBER -> NodeException.Kind.UNKNOWN_MEMBER;
            case NOT_FOUND -> NodeException.Kind.NOT_FOUND;
            case INVALID, UNRECOGNIZED -> NodeException.Kind.INVALID;
        };
    }
}
