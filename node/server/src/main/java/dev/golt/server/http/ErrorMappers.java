package dev.golt.server.http;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error the REST layer raises itself is answered as JSON too. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return ApiError.of(404, "not_found", "no such path");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        Response r = ApiError.of(405, "method_not_allowed", "method not allowed");
        return Response.fromResponse(r).allow(e.getResponse().getAllowedMethods()).build();
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return ApiError.of(415, "unsupported_media_type", e.getMessage());
    }

    @ServerExceptionMapper
    public Response badRequest(ApiError.BadRequest e) {
        return e.response();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = status == 413 ? "too_large" : status < 500 ? "bad_request" : "internal";
        return ApiError.of(status, code, e.getMessage());
    }
}
