package dev.golt.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * etcd's v3 JSON gateway (grpc-gateway in front of the KV service): keys and values are base64;
 * a range is linearizable unless {@code serializable} is set, which answers from the member's
 * local state like Golt's {@code consistency=stale}.
 */
public final class EtcdApi implements KvApi {

    private static final Base64.Encoder B64 = Base64.getEncoder();

    @Override
    public String systemName() {
        return "etcd";
    }

    @Override
    public Request put(String key, byte[] value) {
        JsonObject body = new JsonObject()
                .put("key", B64.encodeToString(key.getBytes(StandardCharsets.UTF_8)))
                .put("value", B64.encodeToString(value));
        return new Request(HttpMethod.POST, "/v3/kv/put", body.toBuffer());
    }

    @Override
    public Request get(String key, Workload.ReadMode mode) {
        JsonObject body = new JsonObject().put("key", B64.encodeToString(key.getBytes(StandardCharsets.UTF_8)));
        if (mode == Workload.ReadMode.STALE) {
            body.put("serializable", true);
        }
        return new Request(HttpMethod.POST, "/v3/kv/range", body.toBuffer());
    }

    @Override
    public boolean readFoundValue(Buffer body) {
        return body.toString(StandardCharsets.UTF_8).contains("\"kvs\"");
    }
}
