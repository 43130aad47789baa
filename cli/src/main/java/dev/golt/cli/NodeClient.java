package dev.golt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Sends one request to the first endpoint that takes it. Connection failures and 503 ("not
 * applied") move on to the next endpoint; when a whole round ends in 503s the client waits for
 * Retry-After (at most {@link #MAX_RETRY_WAIT}) and goes round again until the deadline. A write
 * that failed after it was sent is never retried: its outcome is unknown.
 */
public final class NodeClient {

    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(1);
    private static final Duration DEFAULT_RETRY_WAIT = Duration.ofMillis(200);
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final List<URI> endpoints;
    private final Duration timeout;
    private final Sleeper sleeper;
    private final ObjectMapper mapper;
    private final HttpClient http;

    public NodeClient(List<URI> endpoints, Duration timeout, Sleeper sleeper, ObjectMapper mapper) {
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.sleeper = sleeper;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT)
                .build();
    }

    public Reply get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    public Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null);
    }

    private Reply send(String method, String path, Object body) {
        boolean idempotent = method.equals("GET");
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no endpoint tried";
        while (true) {
            Duration retryWait = null;
            for (URI endpoint : endpoints) {
                Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
                if (remaining.isNegative() || remaining.isZero()) {
                    throw unavailable("timed out after " + timeout.toMillis() + " ms; last: " + lastProblem);
                }
                HttpRequest request = request(method, endpoint.resolve(path), body, remaining);
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    Reply reply = new Reply(response.statusCode(), response.body(), parse(response.body()), endpoint);
                    if (reply.status() != 503) {
                        return reply;
                    }
                    lastProblem = endpoint.getAuthority() + " answered 503 " + reply.errorMessage();
                    Duration hinted = retryAfter(response);
                    retryWait = retryWait == null || hinted.compareTo(retryWait) < 0 ? hinted : retryWait;
                } catch (HttpConnectTimeoutException e) {
                    lastProblem = endpoint.getAuthority() + ": cannot connect (timed out)";
                } catch (ConnectException e) {
                    lastProblem = endpoint.getAuthority() + ": cannot connect (" + (e.getMessage() == null ? "refused" : e.getMessage()) + ")";
                } catch (HttpTimeoutException e) {
                    if (!idempotent) {
                        throw unknown(endpoint, "no answer within " + timeout.toMillis() + " ms");
                    }
                    lastProblem = endpoint.getAuthority() + ": no answer in time";
                } catch (IOException e) {
                    if (!idempotent) {
                        throw unknown(endpoint, "connection failed after the request was sent (" + describe(e) + ")");
                    }
                    lastProblem = endpoint.getAuthority() + ": " + describe(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCodes.UNAVAILABLE, "interrupted");
                }
            }
            if (retryWait == null) {
                throw unavailable(lastProblem);
            }
            Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
            if (remaining.compareTo(retryWait) <= 0) {
                throw unavailable("timed out after " + timeout.toMillis() + " ms; last: " + lastProblem);
            }
            try {
                sleeper.sleep(retryWait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.UNAVAILABLE, "interrupted");
            }
        }
    }

    private HttpRequest request(String method, URI uri, Object body, Duration remaining) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(remaining).header("Accept", "application/json");
        if (body == null) {
            return b.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        try {
            byte[] json = mapper.writeValueAsBytes(body);
            return b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(json)).build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode request", e);
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        Duration wait = response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                return DEFAULT_RETRY_WAIT; // an HTTP-date: not worth honouring for a short-lived client
            }
        }).orElse(DEFAULT_RETRY_WAIT);
        return wait.compareTo(MAX_RETRY_WAIT) > 0 ? MAX_RETRY_WAIT : wait;
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static CliException unavailable(String detail) {
        return new CliException(ExitCodes.UNAVAILABLE, "unavailable: " + detail);
    }

    private static CliException unknown(URI endpoint, String detail) {
        return new CliException(ExitCodes.OUTCOME_UNKNOWN,
                "outcome unknown (the write may or may not have been applied): " + endpoint.getAuthority() + ": " + detail);
    }
}
