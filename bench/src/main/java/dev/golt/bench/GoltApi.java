package dev.golt.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Golt's HTTP API as in DESIGN.md: POST /set, GET /get?key=..&consistency=... */
public final class GoltApi implements KvApi {

    @Override
    public String systemName() {
        return "golt";
    }

    @Override
    public Request put(String key, byte[] value) {
        JsonObject body = new JsonObject()
                .put("key", key)
                .put("value", new String(value, StandardCharsets.US_ASCII));
        return new Request(HttpMethod.POST, "/set", body.toBuffer());
    }

    @Override
    public Request get(String key, Workload.ReadMode mode) {
        String consistency = mode == Workload.ReadMode.STALE ? "stale" : "linearizable";
        String uri = "/get?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&consistency=" + consistency;
        return new Request(HttpMethod.GET, uri, null);
    }

    @Override
    public boolean readFoundValue(Buffer body) {
        return body.toString(StandardCharsets.UTF_8).contains("\"found\":true");
    }
}
