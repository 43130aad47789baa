package dev.golt.e2e.local;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stand-in container for testing the {@link PodRunner} without a Golt node: serves
 * {@code /q/health/ready} and {@code /info} (its argv, environment, how often it booted on its
 * data folder, what it resolved) on {@code --http host:port}. With {@code --ignore-term} it
 * records a SIGTERM in its data folder and then refuses to exit, so only SIGKILL stops it.
 */
public final class FakeNode {
    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                flags.put(args[i].substring(2), i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true");
            }
        }
        Path data = Path.of(flags.get("data"));
        Files.createDirectories(data);
        Path bootsFile = data.resolve("boots");
        int boots = Files.exists(bootsFile) ? Integer.parseInt(Files.readString(bootsFile).trim()) + 1 : 1;
        Files.writeString(bootsFile, String.valueOf(boots));
        List<String> resolved = new ArrayList<>();
        for (String name : flags.getOrDefault("resolve", "").split(",")) {
            if (!name.isEmpty()) {
                resolved.add("\"" + name + "\":\"" + InetAddress.getByName(name).getHostAddress() + "\"");
            }
        }
        if (flags.containsKey("ignore-term")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(data.resolve("term"), "SIGTERM received");
                    Thread.sleep(Long.MAX_VALUE);
                } catch (IOException | InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        String[] http = flags.get("http").split(":");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(http[0]), Integer.parseInt(http[1])), 16);
        String info = "{\"argv\":" + json(List.of(args)) + ",\"env\":" + json(new TreeMap<>(System.getenv()))
                + ",\"boots\":" + boots + ",\"resolved\":{" + String.join(",", resolved) + "}}";
        server.createContext("/q/health/ready", exchange -> respond(exchange, "{\"status\":\"UP\"}"));
        server.createContext("/info", exchange -> respond(exchange, info));
        server.start();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String json(List<String> values) {
        return values.stream().map(FakeNode::quote).reduce((a, b) -> a + "," + b).map(s -> "[" + s + "]").orElse("[]");
    }

    private static String json(Map<String, String> values) {
        return values.entrySet().stream().map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .reduce((a, b) -> a + "," + b).map(s -> "{" + s + "}").orElse("{}");
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
