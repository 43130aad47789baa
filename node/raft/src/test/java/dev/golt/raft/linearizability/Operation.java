package dev.golt.raft.linearizability;

import java.util.Objects;

/**
 * One client operation on a key-value register: its input, when it was invoked and returned (on
 * the {@link History}'s clock), and its output if known. An operation whose outcome is unknown
 * (timed out, connection lost) may or may not have taken effect at any time after its invocation.
 */
public final class Operation extends TimedOperation {

    public enum Kind { PUT, GET, DELETE, CAS }

    private final Kind kind;
    private final String key;
    private final String value;
    private final String expected;
    /** GET: value read (null = absent). */
    String readValue;
    /** DELETE: found; CAS: success. */
    boolean flag;
    boolean failed;

    private Operation(Kind kind, String key, String value, String expected, int client) {
        super(client);
        this.kind = Objects.requireNonNull(kind);
        this.key = Objects.requireNonNull(key);
        this.value = value;
        this.expected = expected;
    }

    public static Operation put(int client, String key, String value) {
        return new Operation(Kind.PUT, key, Objects.requireNonNull(value), null, client);
    }

    public static Operation get(int client, String key) {
        return new Operation(Kind.GET, key, null, null, client);
    }

    public static Operation delete(int client, String key) {
        return new Operation(Kind.DELETE, key, null, null, client);
    }

    /** Compare-and-set: {@code expected == null} means "must be absent", {@code value == null} deletes. */
    public static Operation cas(int client, String key, String expected, String value) {
        return new Operation(Kind.CAS, key, value, expected, client);
    }

    public Kind kind() {
        return kind;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public String expected() {
        return expected;
    }

    @Override
    public String toString() {
        String in = switch (kind) {
            case PUT -> "put(" + key + "," + value + ")";
            case GET -> "get(" + key + ")";
            case DELETE -> "delete(" + key + ")";
            case CAS -> "cas(" + key + "," + expected + "->" + value + ")";
        };
        String out = !known() ? "?" : switch (kind) {
            case PUT -> "ok";
            case GET -> String.valueOf(readValue);
            case DELETE -> flag ? "found" : "absent";
            case CAS -> flag ? "swapped" : "failed";
        };
        return describe(in, out);
    }
}
