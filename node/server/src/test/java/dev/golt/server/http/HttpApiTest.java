package dev.golt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.golt.server.NodeHolder;
import dev.golt.server.NodeHttp;
import dev.golt.server.node.RequestDeadline;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A one-node cluster behind real HTTP: the API's answers, and bad input that must never reach the log. */
@QuarkusTest
class HttpApiTest {

    private static final NodeHttp HTTP = new NodeHttp(Duration.ofSeconds(5), Duration.ofSeconds(60));

    @TestHTTPResource("/")
    URL base;

    @Inject
    NodeHolder holder;

    NodeHttp.Reply send(String method, String path, String body) throws Exception {
        return HTTP.send(base.toString(), method, path, body);
    }

    @BeforeEach
    void awaitLeader() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!send("GET", "/status", null).body().get("isLeader").asBoolean()) {
            assertThat(System.nanoTime()).as("single node elects itself").isLessThan(deadline);
            Thread.sleep(50);
        }
        // The node publishes its etcd client URL through the log once at start: let that be done
        // before a test counts log entries.
        while (!holder.etcd().store().memberClientUrls().containsKey(holder.node().settings().id())) {
            assertThat(System.nanoTime()).as("client URLs published").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void keyValueOperations() throws Exception {
        NodeHttp.Reply set = send("POST", "/set", "{\"key\":\"http/a\",\"value\":\"1\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body().get("success").asBoolean()).isTrue();
        assertThat(set.body().get("index").asLong()).isPositive();

        NodeHttp.Reply get = send("GET", "/get?key=http/a", null);
        assertThat(get.body().get("value").asText()).isEqualTo("1");
        assertThat(get.body().get("found").asBoolean()).isTrue();
        assertThat(send("GET", "/get?key=http/a&consistency=stale", null).body().get("value").asText()).isEqualTo("1");
        NodeHttp.Reply missing = send("GET", "/get?key=http/none", null);
        assertThat(missing.body().get("found").asBoolean()).isFalse();
        assertThat(missing.body().has("value")).isFalse();

        NodeHttp.Reply lost = send("POST", "/cas", "{\"key\":\"http/a\",\"expected\":\"0\",\"value\":\"2\"}");
        assertThat(lost.status()).isEqualTo(200);
        assertThat(lost.body().get("success").asBoolean()).isFalse();
        assertThat(lost.body().get("current").asText()).isEqualTo("1");
        NodeHttp.Reply won = send("POST", "/cas", "{\"key\":\"http/a\",\"expected\":\"1\",\"value\":\"2\"}");
        assertThat(won.body().get("success").asBoolean()).isTrue();
        NodeHttp.Reply create = send("POST", "/cas", "{\"key\":\"http/b\",\"expected\":null,\"value\":\"b\"}");
        assertThat(create.body().get("success").asBoolean()).isTrue();
        NodeHttp.Reply again = send("POST", "/cas", "{\"key\":\"http/b\",\"expected\":null,\"value\":\"c\"}");
        assertThat(again.body().get("success").asBoolean()).isFalse();
        assertThat(again.body().get("current").asText()).isEqualTo("b");

        NodeHttp.Reply scan = send("GET", "/scan?prefix=http/&limit=1", null);
        assertThat(scan.body().get("items")).hasSize(1);
        assertThat(scan.body().get("items").get(0).get("key").asText()).isEqualTo("http/a");
        assertThat(scan.body().get("next").asText()).isEqualTo("http/a");
        NodeHttp.Reply rest = send("GET", "/scan?prefix=http/&after=http/a", null);
        assertThat(rest.body().get("items").get(0).get("key").asText()).isEqualTo("http/b");
        assertThat(rest.body().get("next").isNull()).isTrue();

        NodeHttp.Reply del = send("POST", "/delete", "{\"key\":\"http/a\"}");
        assertThat(del.body().get("found").asBoolean()).isTrue();
        assertThat(send("POST", "/delete", "{\"key\":\"http/a\"}").body().get("found").asBoolean()).isFalse();
        assertThat(send("POST", "/cas", "{\"key\":\"http/b\",\"expected\":\"b\",\"value\":null}").body().get("success").asBoolean()).isTrue();
        assertThat(send("GET", "/get?key=http/b", null).body().get("found").asBoolean()).isFalse();
    }

    @Test
    void badInputIsRejectedWithDocumentedCodesAndNeverReachesTheLog() throws Exception {
        long logBefore = settledLogLength();
        String bigKey = "k".repeat(4097);
        String bigValue = "v".repeat((1 << 20) + 1);
        Object[][] cases = {
            {"POST", "/set", "{\"key\":", 400},
            {"POST", "/set", "", 400},
            {"POST", "/set", "[1,2]", 400},
            {"POST", "/set", "\"str\"", 400},
            {"POST", "/set", "{\"value\":\"v\"}", 400},
            {"POST", "/set", "{\"key\":\"k\"}", 400},
            {"POST", "/set", "{\"key\":1,\"value\":\"v\"}", 400},
            {"POST", "/set", "{\"key\":\"k\",\"value\":{\"a\":1}}", 400},
            {"POST", "/set", "{\"key\":\"k\",\"value\":null}", 400},
            {"POST", "/set", "{\"key\":\"\",\"value\":\"v\"}", 400},
            {"POST", "/set", "{\"key\":\"" + bigKey + "\",\"value\":\"v\"}", 413},
            {"POST", "/set", "{\"key\":\"k\",\"value\":\"" + bigValue + "\"}", 413},
            {"POST", "/delete", "{}", 400},
            {"POST", "/delete", "{\"key\":true}", 400},
            {"POST", "/cas", "{\"key\":\"k\",\"value\":\"v\"}", 400},
            {"POST", "/cas", "{\"key\":\"k\",\"expected\":5,\"value\":\"v\"}", 400},
            {"POST", "/cas", "{\"key\":\"k\",\"expected\":null,\"value\":\"" + bigValue + "\"}", 413},
            {"GET", "/get", null, 400},
            {"GET", "/get?key=", null, 400},
            {"GET", "/get?key=k&consistency=maybe", null, 400},
            {"GET", "/scan?limit=abc", null, 400},
            {"GET", "/scan?limit=0", null, 400},
            {"POST", "/admin/members", "{\"id\":\"x\"}", 400},
            {"POST", "/admin/members", "{\"id\":\"x\",\"address\":\"nope\"}", 400},
            {"POST", "/admin/transfer-leadership", "{\"to\":7}", 400},
            {"GET", "/nope", null, 404},
            {"GET", "/set", null, 405},
            {"POST", "/get", "{}", 405},
            {"PUT", "/status", "{}", 405},
        };
        for (Object[] c : cases) {
            NodeHttp.Reply r = send((String) c[0], (String) c[1], (String) c[2]);
            String what = c[0] + " " + c[1] + " " + (c[2] == null ? "" : ((String) c[2]).substring(0, Math.min(40, ((String) c[2]).length())));
            assertThat(r.status()).as(what).isEqualTo(c[3]);
            assertThat(r.body()).as(what + " has a JSON error").isNotNull();
            assertThat(r.body().get("error").asText()).as(what).isNotEmpty();
            assertThat(r.body().get("code").asText()).as(what).isNotEmpty();
        }
        NodeHttp.Reply unknown = send("DELETE", "/admin/members/ghost", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("code").asText()).isEqualTo("unknown_member");

        assertThat(settledLogLength()).isEqualTo(logBefore);
        assertThat(send("POST", "/set", "{\"key\":\"still\",\"value\":\"up\"}").status()).isEqualTo(200);
    }

    /**
     * /status as of the driver's last refresh (every 10 ticks, 200 ms here): read until two readings
     * a refresh apart agree, so that writes an earlier test made just before are counted.
     */
    private long settledLogLength() throws Exception {
        long last = -1;
        while (true) {
            long now = send("GET", "/status", null).body().get("logLength").asLong();
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(300);
        }
    }

    @Test
    void aWriteThatWaitedPastItsDeadlineIsAnswered503NotAppliedAndCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        holder.node().driver().execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<NodeHttp.Reply> late = CompletableFuture.supplyAsync(() -> {
            try {
                return send("POST", "/set", "{\"key\":\"http/late\",\"value\":\"old\"}");
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        // golt.request-deadline-ms is 1000 in the test profile; wait well past it
        RequestDeadline past = RequestDeadline.after(2_000);
        while (past.remainingMillis() > 0) {
            Thread.sleep(20);
        }
        release.countDown();

        NodeHttp.Reply refused = late.get(60, TimeUnit.SECONDS);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body().get("code").asText()).isEqualTo("unavailable");
        assertThat(refused.body().get("error").asText()).contains("not applied", "deadline");
        assertThat(send("GET", "/get?key=http/late", null).body().get("found").asBoolean()).isFalse();
        String metrics = send("GET", "/q/metrics", null).raw().body();
        assertThat(metrics.lines().filter(l -> l.startsWith("golt_requests_dropped_total{reason=\"expired\""))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                .containsExactly(1.0);
    }

    @Test
    void statusHealthAndMetrics() throws Exception {
        JsonNode s = send("GET", "/status", null).body();
        assertThat(s.get("nodeId").asText()).isEqualTo("t1");
        assertThat(s.get("state").asText()).isEqualTo("leader");
        assertThat(s.get("leader").asText()).isEqualTo("t1");
        assertThat(s.get("members").get(0).get("role").asText()).isEqualTo("voter");
        assertThat(s.get("members").get(0).get("matchIndex").asLong()).isPositive();
        assertThat(send("GET", "/admin/members", null).body().get("members")).hasSize(1);

        assertThat(send("GET", "/q/health/live", null).status()).isEqualTo(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (send("GET", "/q/health/ready", null).status() != 200) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        NodeHttp.Reply snap = send("POST", "/admin/snapshot", null);
        assertThat(snap.status()).isEqualTo(200);
        assertThat(snap.body().get("index").asLong()).isPositive();
        NodeHttp.Reply transfer = send("POST", "/admin/transfer-leadership", "{}");
        assertThat(transfer.status()).isEqualTo(503);
        assertThat(transfer.raw().headers().firstValue("Retry-After")).isPresent();

        Thread.sleep(300); // gauges refresh every 10 ticks
        String metrics = send("GET", "/q/metrics", null).raw().body();
        assertThat(metrics).contains("golt_raft_term ", "golt_raft_leader_changes_total",
                "golt_raft_elections_total{cause=\"timeout\"}", "golt_raft_elections_total{cause=\"transfer\"}",
                "golt_raft_prevote_campaigns_total",
                "golt_wal_fsync_latency_seconds_bucket", "golt_raft_proposal_latency_seconds_count",
                "http_server_requests_seconds_count");
    }
}
