package dev.golt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorHttpServerTest {

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadinessAndPrometheusMetrics() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics(registry);
        metrics.podRestarted();
        metrics.membershipChanged("added");
        AtomicBoolean ready = new AtomicBoolean(false);
        try (OperatorHttpServer server = new OperatorHttpServer(new InetSocketAddress("127.0.0.1", 0), registry, ready::get)) {
            assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(503);
            ready.set(true);
            assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(200);
            String body = get(server.port(), "/metrics").body();
            assertThat(body).contains("golt_operator_pod_restarts_total 1.0")
                    .contains("golt_operator_membership_changes_total{change=\"added\"} 1.0");
        }
    }

    @Test
    void watchNamespacesParsing() {
        assertThat(GoltOperatorMain.parseNamespaces(null)).isEmpty();
        assertThat(GoltOperatorMain.parseNamespaces(" ")).isEmpty();
        assertThat(GoltOperatorMain.parseNamespaces("a, b,,a")).containsExactly("a", "b");
        assertThat(GoltOperatorMain.parseAddress("127.0.0.1:9090").getPort()).isEqualTo(9090);
    }
}
