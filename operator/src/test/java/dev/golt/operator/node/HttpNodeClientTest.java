package dev.golt.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpNodeClientTest {

    private HttpServer server;
    private final Deque<String[]> answers = new ArrayDeque<>();
    private final List<String> requests = new ArrayList<>();
    // Generous timeouts: the first request of a cold JVM on a loaded machine can be slow.
    private final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(5), Duration.ofSeconds(10), 3,
            Duration.ofMillis(1));

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (requests) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body);
            }
            String[] answer = answers.isEmpty() ? new String[] {"500", "{}"} : answers.poll();
            if (answer[0].equals("hang")) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer = new String[] {"200", "{}"};
            }
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI node() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void parsesStatusIgnoringUnknownFields() {
        answers.add(new String[] {"200", """
                {"nodeId":"a","state":"leader","term":3,"commitIndex":10,"appliedIndex":9,"logLength":11,
                 "snapshotIndex":5,"leader":"a","isLeader":true,"extra":1,
                 "members":[{"id":"a","address":"a:7000","role":"voter","matchIndex":10},
                            {"id":"b","address":"b:7000","role":"learner","matchIndex":null}]}"""});
        NodeStatus status = client.status(node());
        assertThat(status.isLeader()).isTrue();
        assertThat(status.term()).isEqualTo(3);
        assertThat(status.appliedIndex()).isEqualTo(9);
        assertThat(status.members()).extracting(NodeStatus.Member::id, NodeStatus.Member::voter)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", true), org.assertj.core.groups.Tuple.tuple("b", false));
    }

    @Test
    void retries503ButNot504() {
        answers.add(new String[] {"503", "{\"error\":\"no leader\"}"});
        answers.add(new String[] {"200", "{\"success\":true,\"index\":4}"});
        client.addMember(node(), "c", "c:7000");
        assertThat(requests).hasSize(2).allMatch(r -> r.startsWith("POST /admin/members"))
                .allMatch(r -> r.contains("\"id\":\"c\"") && r.contains("\"address\":\"c:7000\""));
        requests.clear();
        answers.add(new String[] {"504", "{\"error\":\"timeout\"}"});
        assertThatThrownBy(() -> client.transferLeadership(node(), "b"))
                .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.statusCode()).isEqualTo(504));
        assertThat(requests).hasSize(1);
    }

    @Test
    void removingAnUnknownMemberCountsAsRemoved() {
        answers.add(new String[] {"404", "{\"error\":\"x\",\"code\":\"unknown_member\"}"});
        client.removeMember(node(), "gone");
        assertThat(requests).containsExactly("DELETE /admin/members/gone ");
    }

    @Test
    void snapshotAndTransferAnswers() {
        answers.add(new String[] {"200", "{\"index\":42}"});
        assertThat(client.snapshot(node())).isEqualTo(42);
        answers.add(new String[] {"200", "{\"success\":true,\"leader\":\"b\"}"});
        assertThat(client.transferLeadership(node(), null)).isEqualTo("b");
        assertThat(requests.get(1)).isEqualTo("POST /admin/transfer-leadership {}");
    }

    @Test
    void timesOutAndReportsUnreachableNodes() {
        answers.add(new String[] {"hang", ""});
        answers.add(new String[] {"hang", ""});
        answers.add(new String[] {"hang", ""});
        HttpNodeClient impatient = new HttpNodeClient(Duration.ofSeconds(5), Duration.ofMillis(300), 3, Duration.ofMillis(1));
        long start = System.nanoTime();
        assertThatThrownBy(() -> impatient.status(node())).isInstanceOf(NodeException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_900 * 3));
        server.stop(0);
        assertThatThrownBy(() -> client.status(node()))
                .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.statusCode()).isZero());
    }

    @Test
    void adminCallsWhoseAnswerTimedOutAreNeverRepeated() throws Exception {
        HttpNodeClient impatient = new HttpNodeClient(Duration.ofSeconds(5), Duration.ofMillis(300), 3, Duration.ofMillis(1));
        for (int i = 0; i < 4; i++) {
            answers.add(new String[] {"hang", ""});
        }
        assertThatThrownBy(() -> impatient.addMember(node(), "c", "c:7000")).isInstanceOf(NodeException.class);
        assertThatThrownBy(() -> impatient.removeMember(node(), "c")).isInstanceOf(NodeException.class);
        assertThatThrownBy(() -> impatient.transferLeadership(node(), "b")).isInstanceOf(NodeException.class);
        assertThatThrownBy(() -> impatient.snapshot(node())).isInstanceOf(NodeException.class);
        Thread.sleep(2_500);
        synchronized (requests) {
            assertThat(requests).extracting(r -> r.split(" ")[0] + " " + r.split(" ")[1]).containsExactly(
                    "POST /admin/members", "DELETE /admin/members/c", "POST /admin/transfer-leadership",
                    "POST /admin/snapshot");
        }
    }

    @Test
    void readsWhoseAnswerTimedOutAreRetried() throws Exception {
        answers.add(new String[] {"hang", ""});
        answers.add(new String[] {"200", "{\"nodeId\":\"a\",\"members\":[]}"});
        HttpNodeClient impatient = new HttpNodeClient(Duration.ofSeconds(5), Duration.ofMillis(300), 3, Duration.ofMillis(1));
        assertThat(impatient.status(node()).nodeId()).isEqualTo("a");
        assertThat(requests).hasSize(2);
    }

    @Test
    void aRefusedConnectionCountsAsNeverSentAndALateAnswerDoesNot() {
        assertThat(HttpNodeClient.neverSent(new java.net.ConnectException("refused"))).isTrue();
        assertThat(HttpNodeClient.neverSent(new java.net.http.HttpConnectTimeoutException("no SYN-ACK"))).isTrue();
        assertThat(HttpNodeClient.neverSent(new java.net.http.HttpTimeoutException("answer late"))).isFalse();
        assertThat(HttpNodeClient.neverSent(new java.io.IOException("connection reset"))).isFalse();
    }
}
