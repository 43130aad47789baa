package dev.golt.server.http;

import com.google.protobuf.ByteString;
import dev.golt.proto.Command;
import dev.golt.proto.CompareAndSet;
import dev.golt.proto.Delete;
import dev.golt.proto.Put;
import dev.golt.server.NodeHolder;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.RequestDeadline;
import dev.golt.storage.KeyValueStore;
import dev.golt.storage.mvcc.KeyValue;
import dev.golt.storage.mvcc.MvccStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Function;

/** The key-value API. Handlers never block: they answer with futures completed by the Raft driver. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class KvResource {

    private static final int MAX_SCAN_LIMIT = 1000;

    private final NodeHolder holder;

    public KvResource(NodeHolder holder) {
        this.holder = holder;
    }

    @POST
    @Path("set")
    public CompletionStage<Response> set(byte[] body, @Context HttpServerRequest http) {
        GoltNode node = holder.node();
        RequestDeadline deadline = deadline(node, http);
        JsonBody json = JsonBody.parse(body);
        byte[] key = JsonBody.key(json.string("key"), node.settings().maxKeyBytes());
        byte[] value = JsonBody.value(json.string("value"), node.settings().maxValueBytes());
        Command cmd = Command.newBuilder().setPut(Put.newBuilder()
                .setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value))).build();
        return respond(node.write(cmd, deadline), r -> ok(Map.of("success", true, "index", r.index(), "revision", r.revision())));
    }

    @POST
    @Path("delete")
    public CompletionStage<Response> delete(byte[] body, @Context HttpServerRequest http) {
        GoltNode node = holder.node();
        RequestDeadline deadline = deadline(node, http);
        JsonBody json = JsonBody.parse(body);
        byte[] key = JsonBody.key(json.string("key"), node.settings().maxKeyBytes());
        Command cmd = Command.newBuilder().setDelete(Delete.newBuilder().setKey(ByteString.copyFrom(key))).build();
        return respond(node.write(cmd, deadline), r -> ok(Map.of("success", true, "index", r.index(), "revision", r.revision(),
                "found", r.found())));
    }

    @POST
    @Path("cas")
    public CompletionStage<Response> cas(byte[] body, @Context HttpServerRequest http) {
        GoltNode node = holder.node();
        RequestDeadline deadline = deadline(node, http);
        JsonBody json = JsonBody.parse(body);
        byte[] key = JsonBody.key(json.string("key"), node.settings().maxKeyBytes());
        String expected = json.nullableString("expected");
        String value = json.nullableString("value");
        CompareAndSet.Builder cas = CompareAndSet.newBuilder().setKey(ByteString.copyFrom(key));
        if (expected != null) {
            cas.setHasExpected(true).setExpected(ByteString.copyFrom(JsonBody.value(expected, node.settings().maxValueBytes())));
        }
        if (value != null) {
            cas.setHasValue(true).setValue(ByteString.copyFrom(JsonBody.value(value, node.settings().maxValueBytes())));
        }
        return respond(node.write(Command.newBuilder().setCas(cas).build(), deadline), r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("success", r.found());
            m.put("index", r.index());
            m.put("revision", r.revision());
            m.put("current", r.current() == null ? null : new String(r.current(), StandardCharsets.UTF_8));
            return ok(m);
        });
    }

    @GET
    @Path("get")
    public CompletionStage<Response> get(@QueryParam("key") String key, @QueryParam("consistency") String consistency) {
        GoltNode node = holder.node();
        if (key == null) {
            throw JsonBody.bad("missing query parameter 'key'");
        }
        byte[] k = JsonBody.key(key, node.settings().maxKeyBytes());
        return afterBarrier(node, consistency, () -> {
            MvccStore store = node.stateMachine().mvcc();
            long revision = store.revision();
            KeyValue v = store.get(k);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            if (v != null) {
                m.put("value", new String(v.value(), StandardCharsets.UTF_8));
                m.put("createRevision", v.createRevision());
                m.put("modRevision", v.modRevision());
                m.put("version", v.version());
                m.put("lease", v.lease());
            }
            m.put("found", v != null);
            m.put("revision", Math.max(revision, v == null ? 0 : v.modRevision()));
            return ok(m);
        });
    }

    @GET
    @Path("scan")
    public CompletionStage<Response> scan(@QueryParam("prefix") String prefix, @QueryParam("after") String after,
            @QueryParam("limit") String limit, @QueryParam("consistency") String consistency) {
        GoltNode node = holder.node();
        int n = 100;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                throw JsonBody.bad("limit must be an integer");
            }
            if (n < 1 || n > MAX_SCAN_LIMIT) {
                throw JsonBody.bad("limit must be between 1 and " + MAX_SCAN_LIMIT);
            }
        }
        int max = n;
        byte[] p = prefix == null ? new byte[0] : prefix.getBytes(StandardCharsets.UTF_8);
        byte[] a = after == null || after.isEmpty() ? null : after.getBytes(StandardCharsets.UTF_8);
        return afterBarrier(node, consistency, () -> {
            List<KeyValueStore.KeyValue> kvs = node.scan(p, a, max + 1);
            List<Map<String, String>> items = new ArrayList<>();
            for (int i = 0; i < Math.min(max, kvs.size()); i++) {
                items.add(Map.of("key", new String(kvs.get(i).key(), StandardCharsets.UTF_8),
                        "value", new String(kvs.get(i).value(), StandardCharsets.UTF_8)));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("items", items);
            m.put("next", kvs.size() > max ? items.get(max - 1).get("key") : null);
            return ok(m);
        });
    }

    /** Stamped as the handler starts, when the body has just been read; watches the client's connection. */
    private static RequestDeadline deadline(GoltNode node, HttpServerRequest http) {
        HttpServerResponse response = http.response();
        return RequestDeadline.after(node.settings().requestDeadlineMs(), response::closed);
    }

    private static CompletionStage<Response> afterBarrier(GoltNode node, String consistency,
            java.util.function.Supplier<Response> read) {
        if (consistency != null && !consistency.equals("linearizable") && !consistency.equals("stale")) {
            throw JsonBody.bad("consistency must be 'linearizable' or 'stale'");
        }
        if ("stale".equals(consistency)) {
            return CompletableFuture.completedFuture(read.get());
        }
        return node.readBarrier().handleAsync((idx, e) -> e != null ? ApiError.from(e) : read.get(), callerContext());
    }

    static <T> CompletionStage<Response> respond(CompletableFuture<T> f, Function<T, Response> onSuccess) {
        return f.handleAsync((r, e) -> e != null ? ApiError.from(e) : onSuccess.apply(r), callerContext());
    }

    /**
     * Continues a request on the Vert.x context that received it, so that the Raft driver thread
     * that completes the future does not also build and write responses.
     */
    static Executor callerContext() {
        io.vertx.core.Context c = Vertx.currentContext();
        if (c == null) {
            return Runnable::run;
        }
        return task -> c.runOnContext(v -> task.run());
    }

    static Response ok(Object entity) {
        return Response.ok(entity, MediaType.APPLICATION_JSON).build();
    }

}
