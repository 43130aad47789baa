package dev.golt.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small JSON client for the node HTTP API of DESIGN.md and NODE-CONTRACT.md. */
public final class NodeHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** An HTTP answer: status code and parsed JSON body (null when the body is not JSON). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status == 200;
        }
    }

    public Answer get(URI base, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public Answer post(URI base, String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }

    public Answer set(URI base, String key, String value) throws IOException, InterruptedException {
        return post(base, "/set", Map.of("key", key, "value", value));
    }

    /** Linearizable read; returns the value or null when absent. */
    public String read(URI base, String key) throws IOException, InterruptedException {
        Answer answer = get(base, "/get?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
        if (!answer.ok()) {
            throw new IOException("GET /get " + key + " from " + base + " answered " + answer.status() + " " + answer.body());
        }
        return answer.body().path("found").asBoolean() ? answer.body().get("value").asText() : null;
    }

    public JsonNode status(URI base) throws IOException, InterruptedException {
        Answer answer = get(base, "/status");
        if (!answer.ok()) {
            throw new IOException("GET /status from " + base + " answered " + answer.status());
        }
        return answer.body();
    }

    /** Prometheus text of {@code /q/metrics}. */
    public String metrics(URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/q/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /q/metrics from " + base + " answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * Sum of the samples of a metric whose labels contain {@code labelMatch} (e.g. {@code cause="timeout"});
     * 0 when there is no such sample (a labelled counter appears on its first increment).
     */
    public static double metric(String prometheusText, String name, String labelMatch) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (isSample(line, name) && (labelMatch == null || line.contains(labelMatch))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    public static boolean hasMetric(String prometheusText, String name) {
        return prometheusText.lines().anyMatch(line -> isSample(line, name));
    }

    private static boolean isSample(String line, String name) {
        return line.startsWith(name) && line.length() > name.length()
                && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ');
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException notJson) {
            body = null;
        }
        return new Answer(response.statusCode(), body);
    }
}
