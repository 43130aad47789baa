package dev.golt.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.proto.ForwardResponse;
import dev.golt.proto.ForwardResponse.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A failed forwarded request keeps its kind across the wire, in either version skew, whatever its text. */
class ForwardErrorsTest {

    @ParameterizedTest
    @EnumSource(value = NodeException.Kind.class, names = {"UNKNOWN_MEMBER", "NOT_FOUND", "INVALID"})
    void aRejectionReachesTheFollowerAsTheKindTheLeaderFailedWith(NodeException.Kind kind) {
        ForwardResponse r = ForwardErrors.response(new NodeException(kind, "whatever the text says"));
        assertThat(r.getStatus()).isEqualTo(ForwardResponse.Status.REJECTED);
        assertThat(ForwardErrors.kind(r.getRejection())).isEqualTo(kind);
    }

    @Test
    void theMessageTextNoLongerDecidesTheKind() {
        ForwardResponse r = ForwardErrors.response(new NodeException(NodeException.Kind.INVALID, "unknown field"));
        assertThat(ForwardErrors.kind(r.getRejection())).isEqualTo(NodeException.Kind.INVALID);
    }

    @Test
    void aRejectionFromALeaderThatPredatesTheFieldReadsAsInvalid() {
        ForwardResponse old = ForwardResponse.newBuilder().setStatus(ForwardResponse.Status.REJECTED)
                .setError("empty request").build();
        assertThat(ForwardErrors.kind(old.getRejection())).isEqualTo(NodeException.Kind.INVALID);
    }

    @Test
    void aRejectionFromANewerLeaderThisNodeCannotReadIsInvalid() {
        assertThat(ForwardErrors.kind(Rejection.UNRECOGNIZED)).isEqualTo(NodeException.Kind.INVALID);
    }

    @Test
    void failuresThatAreNotRejectionsKeepTheirStatus() {
        assertThat(ForwardErrors.response(NodeException.timeout("t")).getStatus()).isEqualTo(ForwardResponse.Status.TIMEOUT);
        assertThat(ForwardErrors.response(NodeException.unavailable("u")).getStatus())
                .isEqualTo(ForwardResponse.Status.UNAVAILABLE);
        assertThat(ForwardErrors.response(new IllegalStateException("bug")).getStatus())
                .isEqualTo(ForwardResponse.Status.UNAVAILABLE);
    }
}
