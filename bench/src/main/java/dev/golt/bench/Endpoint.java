package dev.golt.bench;

/** A member's HTTP API address on loopback. */
public record Endpoint(String memberId, String host, int port) {
    public String url() {
        return "http://" + host + ":" + port;
    }

    @Override
    public String toString() {
        return memberId + "@" + host + ":" + port;
    }
}
