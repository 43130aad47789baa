package dev.golt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.golt.server.NodeHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * etcd's JSON gateway on a one-node cluster behind real HTTP, as curl users drive it: base64 keys
 * and values, 64-bit numbers as strings, etcd's field names, grpc-gateway's errors, and /v3/watch
 * as a stream of {"result": ...} lines.
 */
@QuarkusTest
class EtcdGatewayTest {

    private static final NodeHttp HTTP = new NodeHttp(Duration.ofSeconds(5), Duration.ofSeconds(60));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void awaitLeader() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!HTTP.send(base.toString(), "GET", "/status", null).body().get("isLeader").asBoolean()) {
            assertThat(System.nanoTime()).as("single node elects itself").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private JsonNode post(String path, String body) throws Exception {
        return HTTP.send(base.toString(), "POST", path, body).body();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void putRangeTxnAndDeleteSpeakEtcdsJson() throws Exception {
        JsonNode put = post("/v3/kv/put", "{\"key\":\"" + b64("gwkv/a") + "\",\"value\":\"" + b64("1") + "\"}");
        long rev = Long.parseLong(put.path("header").path("revision").asText());
        assertThat(rev).isGreaterThan(1);
        assertThat(put.path("header").path("revision").isTextual()).as("int64 as a string").isTrue();

        JsonNode range = post("/v3/kv/range", "{\"key\":\"" + b64("gwkv/") + "\",\"range_end\":\"" + b64("gwkv0") + "\"}");
        assertThat(range.path("count").asText()).isEqualTo("1");
        assertThat(range.path("kvs").get(0).path("value").asText()).isEqualTo(b64("1"));
        assertThat(range.path("kvs").get(0).path("mod_revision").asText()).isEqualTo(Long.toString(rev));

        JsonNode txn = post("/v3/kv/txn", "{\"compare\":[{\"key\":\"" + b64("gwkv/a") + "\",\"target\":\"VALUE\","
                + "\"result\":\"EQUAL\",\"value\":\"" + b64("1") + "\"}],\"success\":[{\"request_put\":{\"key\":\""
                + b64("gwkv/a") + "\",\"value\":\"" + b64("2") + "\"}}]}");
        assertThat(txn.path("succeeded").asBoolean()).isTrue();

        JsonNode del = post("/v3/kv/deleterange", "{\"key\":\"" + b64("gwkv/a") + "\",\"prev_kv\":true}");
        assertThat(del.path("deleted").asText()).isEqualTo("1");
        assertThat(del.path("prev_kvs").get(0).path("value").asText()).isEqualTo(b64("2"));

        NodeHttp.Reply compacted = HTTP.send(base.toString(), "POST", "/v3/kv/range",
                "{\"key\":\"" + b64("gwkv/a") + "\",\"revision\":\"999999\"}");
        assertThat(compacted.status()).isEqualTo(400);
        assertThat(compacted.body().path("error").asText()).isEqualTo("etcdserver: mvcc: required revision is a future revision");
        assertThat(compacted.body().path("code").asInt()).isEqualTo(11);
    }

    @Test
    void aLeaseGrantedOverJsonHoldsKeysUntilRevoked() throws Exception {
        JsonNode grant = post("/v3/lease/grant", "{\"TTL\":\"60\"}");
        String id = grant.path("ID").asText();
        assertThat(grant.path("TTL").asText()).isEqualTo("60");
        post("/v3/kv/put", "{\"key\":\"" + b64("gw/leased") + "\",\"value\":\"" + b64("x") + "\",\"lease\":\"" + id + "\"}");
        JsonNode ttl = post("/v3/lease/timetolive", "{\"ID\":\"" + id + "\",\"keys\":true}");
        assertThat(ttl.path("keys").get(0).asText()).isEqualTo(b64("gw/leased"));
        post("/v3/lease/revoke", "{\"ID\":\"" + id + "\"}");
        assertThat(post("/v3/kv/range", "{\"key\":\"" + b64("gw/leased") + "\"}").path("count").asText("0")).isEqualTo("0");
    }

    @Test
    void aWatchStreamsEventsAsResultLines() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest watch = HttpRequest.newBuilder(URI.create(base + "v3/watch"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"create_request\":{\"key\":\"" + b64("gw/w") + "\"}}")).build();
        HttpResponse<java.io.InputStream> r = client.send(watch, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            JsonNode created = JSON.readTree(first);
            assertThat(created.path("result").path("created").asBoolean()).as("first line %s", first).isTrue();
            post("/v3/kv/put", "{\"key\":\"" + b64("gw/w") + "\",\"value\":\"" + b64("hello") + "\"}");
            JsonNode event = JSON.readTree(lines.readLine());
            assertThat(event.path("result").path("events").get(0).path("kv").path("value").asText()).isEqualTo(b64("hello"));
        }
    }
}
