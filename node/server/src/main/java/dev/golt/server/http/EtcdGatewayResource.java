package dev.golt.server.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.golt.etcd.api.CompactionRequest;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseKeepAliveRequest;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import dev.golt.etcd.api.LeaseRevokeRequest;
import dev.golt.etcd.api.LeaseTimeToLiveRequest;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.server.NodeHolder;
import dev.golt.server.etcd.EtcdApi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * etcd's JSON gateway on the HTTP port (its grpc-gateway paths): the same operations as the gRPC
 * services, as protobuf's JSON mapping — bytes in base64, 64-bit integers as strings, the .proto
 * field names — so curl users and etcd's JSON clients work unchanged. Errors are grpc-gateway's
 * {@code {"error","code","message"}} with the HTTP status of the gRPC code.
 */
@Path("/v3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class EtcdGatewayResource {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();

    private final NodeHolder holder;

    public EtcdGatewayResource(NodeHolder holder) {
        this.holder = holder;
    }

    @POST
    @Path("kv/range")
    public CompletionStage<Response> range(byte[] body) {
        return call(body, RangeRequest.getDefaultInstance(), r -> api().range(r));
    }

    @POST
    @Path("kv/put")
    public CompletionStage<Response> put(byte[] body) {
        return call(body, PutRequest.getDefaultInstance(), r -> api().put(r));
    }

    @POST
    @Path("kv/deleterange")
    public CompletionStage<Response> deleteRange(byte[] body) {
        return call(body, DeleteRangeRequest.getDefaultInstance(), r -> api().deleteRange(r));
    }

    @POST
    @Path("kv/txn")
    public CompletionStage<Response> txn(byte[] body) {
        return call(body, TxnRequest.getDefaultInstance(), r -> api().txn(r));
    }

    @POST
    @Path("kv/compaction")
    public CompletionStage<Response> compaction(byte[] body) {
        return call(body, CompactionRequest.getDefaultInstance(), r -> api().compact(r));
    }

    @POST
    @Path("lease/grant")
    public CompletionStage<Response> leaseGrant(byte[] body) {
        return call(body, LeaseGrantRequest.getDefaultInstance(), r -> api().leaseGrant(r));
    }

    @POST
    @Path("{p: (kv/)?lease/revoke}")
    public CompletionStage<Response> leaseRevoke(byte[] body) {
        return call(body, LeaseRevokeRequest.getDefaultInstance(), r -> api().leaseRevoke(r.getID()));
    }

    /** grpc-gateway streams keep-alive answers; one request gets one {@code {"result": ...}}. */
    @POST
    @Path("lease/keepalive")
    public CompletionStage<Response> leaseKeepAlive(byte[] body) {
        return call(body, LeaseKeepAliveRequest.getDefaultInstance(), r -> api().leaseRenew(r.getID())
                .thenApply(ttl -> LeaseKeepAliveResponse.newBuilder().setHeader(api().header())
                        .setID(r.getID()).setTTL(ttl).build()), true);
    }

    @POST
    @Path("{p: (kv/)?lease/timetolive}")
    public CompletionStage<Response> leaseTimeToLive(byte[] body) {
        return call(body, LeaseTimeToLiveRequest.getDefaultInstance(), r -> api().leaseTimeToLive(r));
    }

    @POST
    @Path("{p: (kv/)?lease/leases}")
    public CompletionStage<Response> leases(byte[] body) {
        return call(body, dev.golt.etcd.api.LeaseLeasesRequest.getDefaultInstance(), r -> api().leases());
    }

    private EtcdApi api() {
        return holder.etcd();
    }

    private <Q extends Message, R extends Message> CompletionStage<Response> call(byte[] body, Q prototype,
            Function<Q, CompletableFuture<R>> op) {
        return call(body, prototype, op, false);
    }

    @SuppressWarnings("unchecked")
    private <Q extends Message, R extends Message> CompletionStage<Response> call(byte[] body, Q prototype,
            Function<Q, CompletableFuture<R>> op, boolean asResult) {
        Message.Builder request = prototype.toBuilder();
        try {
            String json = new String(body, StandardCharsets.UTF_8);
            PARSER.merge(json.isBlank() ? "{}" : json, request);
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.completedFuture(error(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage())));
        }
        CompletableFuture<R> f;
        try {
            f = op.apply((Q) request.build());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handleAsync((r, e) -> {
            if (e != null) {
                return error(EtcdApi.status(e).getStatus());
            }
            try {
                String out = PRINTER.print(r);
                return KvResource.ok(asResult ? "{\"result\":" + out + "}" : out);
            } catch (InvalidProtocolBufferException ex) {
                return error(io.grpc.Status.INTERNAL.withDescription(ex.getMessage()));
            }
        }, KvResource.callerContext());
    }

    private static Response error(io.grpc.Status s) {
        String message = s.getDescription() == null ? s.getCode().name() : s.getDescription();
        int http = switch (s.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> 400;
            case NOT_FOUND -> 404;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case UNIMPLEMENTED -> 501;
            default -> 500;
        };
        String json = "{\"error\":" + quote(message) + ",\"code\":" + s.getCode().value() + ",\"message\":" + quote(message) + "}";
        return Response.status(http).type(MediaType.APPLICATION_JSON).entity(json).build();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
