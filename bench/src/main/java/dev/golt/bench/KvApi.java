package dev.golt.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * How one system spells a put and a get over HTTP. The load generator is shared; only the request
 * bytes and the check of the answer differ between systems.
 */
public interface KvApi {

    /** One request to send: method, path+query, body (null for none). */
    record Request(HttpMethod method, String uri, Buffer body) {}

    String systemName();

    Request put(String key, byte[] value);

    Request get(String key, Workload.ReadMode mode);

    /** Whether a 2xx answer to a read of a preloaded key actually carries the key. */
    boolean readFoundValue(Buffer body);
}
