package dev.golt.raft.sim;

import java.nio.charset.StandardCharsets;

/** The simulated clients' commands, as carried in log entries: op id, kind, key, value, expected. */
record KvCommand(long opId, char kind, String key, String value, String expected) {

    private static final String SEP = "\u0001";
    private static final String NULL = "\u0002";

    byte[] encode() {
        return (opId + SEP + kind + SEP + key + SEP + enc(value) + SEP + enc(expected)).getBytes(StandardCharsets.UTF_8);
    }

    static KvCommand decode(byte[] data) {
        String[] p = new String(data, StandardCharsets.UTF_8).split(SEP, -1);
        return new KvCommand(Long.parseLong(p[0]), p[1].charAt(0), p[2], dec(p[3]), dec(p[4]));
    }

    private static String enc(String s) {
        return s == null ? NULL : s;
    }

    private static String dec(String s) {
        return NULL.equals(s) ? null : s;
    }
}
