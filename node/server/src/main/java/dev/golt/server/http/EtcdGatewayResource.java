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
import dev.golt.etcd.api.WatchGrpc;
import dev.golt.etcd.api.WatchRequest;
import dev.golt.etcd.api.WatchResponse;
import io.smallrye.mutiny.Multi;
import org.jboss.resteasy.reactive.RestStreamElementType;
import dev.golt.server.NodeHolder;
import dev.golt.server.etcd.EtcdApi;
import dev.golt.server.etcd.EtcdError;
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

    /**
     * grpc-gateway's watch: the body is a WatchRequest (its create_request), the answer a stream of
     * {@code {"result": WatchResponse}} objects, one per line, until the client goes away. It runs on
     * the node's own Watch service through the in-process channel, so it needs {@code --grpc}.
     */
    @POST
    @Path("watch")
    @Produces("application/x-ndjson")
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<com.fasterxml.jackson.databind.JsonNode> watch(byte[] body) {
        io.grpc.Channel loopback = holder.etcdLoopback();
        if (loopback == null) {
            return Multi.createFrom().item(json(errorJson(io.grpc.Status.UNIMPLEMENTED
                    .withDescription("golt: /v3/watch needs the node's etcd API: start it with --grpc"))));
        }
        WatchRequest.Builder request = WatchRequest.newBuilder();
        try {
            String json = new String(body, StandardCharsets.UTF_8);
            PARSER.merge(json.isBlank() ? "{}" : json, request);
        } catch (InvalidProtocolBufferException e) {
            return Multi.createFrom().item(json(errorJson(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage()))));
        }
        return Multi.createFrom().emitter(em -> {
            var call = (io.grpc.stub.ClientCallStreamObserver<WatchRequest>) WatchGrpc.newStub(loopback)
                    .watch(new io.grpc.stub.StreamObserver<WatchResponse>() {
                        @Override
                        public void onNext(WatchResponse r) {
                            try {
                                em.emit(json("{\"result\":" + PRINTER.print(r) + "}"));
                            } catch (InvalidProtocolBufferException e) {
                                em.fail(e);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            em.emit(json(errorJson(io.grpc.Status.fromThrowable(t))));
                            em.complete();
                        }

                        @Override
                        public void onCompleted() {
                            em.complete();
                        }
                    });
            // Not half-closed: the service ends a stream whose client half-closes.
            call.onNext(request.build());
            em.onTermination(() -> call.cancel("the HTTP client went away", null));
        });
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
                return error(EtcdError.status(e).getStatus());
            }
            try {
                String out = PRINTER.print(r);
                return KvResource.ok(asResult ? "{\"result\":" + out + "}" : out);
            } catch (InvalidProtocolBufferException ex) {
                return error(io.grpc.Status.INTERNAL.withDescription(ex.getMessage()));
            }
        }, KvResource.callerContext());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A stream element: Quarkus writes each as one JSON line (a String would be quoted). */
    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String errorJson(io.grpc.Status s) {
        String message = s.getDescription() == null ? s.getCode().name() : s.getDescription();
        return "{\"error\":" + quote(message) + ",\"code\":" + s.getCode().value() + ",\"message\":" + quote(message) + "}";
    }

    private static Response error(io.grpc.Status s) {
        int http = switch (s.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> 400;
            case NOT_FOUND -> 404;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case UNIMPLEMENTED -> 501;
            default -> 500;
        };
        return Response.status(http).type(MediaType.APPLICATION_JSON).entity(errorJson(s)).build();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
