package dev.golt.server.http;

import dev.golt.server.node.GoltNode;
import dev.golt.server.node.NodeException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;

/** JSON error responses: {@code {"error": message, "code": code}}. */
public final class ApiError {

    private static final Logger LOG = Logger.getLogger(ApiError.class);

    private ApiError() {}

    public static Response of(int status, String code, String message) {
        Response.ResponseBuilder b = Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message == null ? code : message, "code", code));
        if (status == 503) {
            b.header("Retry-After", "1");
        }
        return b.build();
    }

    public static Response badRequest(String message) {
        return of(400, "bad_request", message);
    }

    public static Response tooLarge(String message) {
        return of(413, "too_large", message);
    }

    /** Maps a failed request to its status: 503 not applied, 504 outcome unknown, ... */
    public static Response from(Throwable t) {
        t = GoltNode.unwrap(t);
        if (t instanceof NodeException e) {
            return switch (e.kind()) {
                case UNAVAILABLE -> of(503, "unavailable", e.getMessage());
                case TIMEOUT -> of(504, "timeout", e.getMessage());
                case UNKNOWN_MEMBER -> of(404, "unknown_member", e.getMessage());
                case NOT_FOUND -> of(404, "not_found", e.getMessage());
                case INVALID -> of(400, "bad_request", e.getMessage());
            };
        }
        if (t instanceof BadRequest b) {
            return b.response();
        }
        LOG.error("request failed", t);
        return of(500, "internal", t.toString());
    }

    /** Invalid input found while parsing a request. */
    public static final class BadRequest extends RuntimeException {
        private final transient Response response;

        public BadRequest(Response response) {
            super(String.valueOf(response.getEntity()), null, false, false);
            this.response = response;
        }

        public Response response() {
            return response;
        }
    }
}
