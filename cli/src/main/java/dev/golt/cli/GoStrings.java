// GoStrings: reads text the way etcdctl's txn reads it: Go-quoted strings (fmt's %q, strconv
// syntax: "..." with escapes, or `raw`) and etcdctl's argify, which splits a line into arguments.
package dev.golt.cli;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keys and values are bytes, so what is read comes back as ByteStrings. */
final class GoStrings {

    /** etcdctl's argify: a "double-quoted" or 'single-quoted' string, or a bare word. */
    private static final Pattern ARG = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^'\"\\s]\\S*[^'\"\\s]?");

    private GoStrings() {}

    /** A quoted string found at the start of some text, and where the text goes on after it. */
    record Quoted(ByteString value, int end) {}

    /** Reads the Go-quoted string starting at {@code from} (leading spaces skipped, as %q does). */
    static Quoted readQuoted(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i >= s.length()) {
            throw new IllegalArgumentException("expected a quoted string");
        }
        char q = s.charAt(i);
        if (q == '`') {
            int close = s.indexOf('`', i + 1);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated `raw string`");
            }
            return new Quoted(ByteString.copyFromUtf8(s.substring(i + 1, close)), close + 1);
        }
        if (q != '"') {
            throw new IllegalArgumentException("expected a quoted string at '" + s.substring(i) + "'");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int j = i + 1;
        while (true) {
            if (j >= s.length()) {
                throw new IllegalArgumentException("unterminated quoted string");
            }
            char c = s.charAt(j);
            if (c == '"') {
                return new Quoted(ByteString.copyFrom(out.toByteArray()), j + 1);
            }
            if (c != '\\') {
                int cp = s.codePointAt(j);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                j += Character.charCount(cp);
                continue;
            }
            j = escape(s, j + 1, out);
        }
    }

    /** Unquotes the whole of {@code s}. */
    static ByteString unquote(String s) {
        Quoted q = readQuoted(s, 0);
        if (!s.substring(q.end()).isBlank()) {
            throw new IllegalArgumentException("text after the quoted string: " + s.substring(q.end()));
        }
        return q.value();
    }

    /** etcdctl's argify: the arguments of one line of txn input. */
    static List<ByteString> argify(String line) {
        List<ByteString> args = new ArrayList<>();
        Matcher m = ARG.matcher(line);
        while (m.find()) {
            String a = m.group();
            if (a.startsWith("'")) {
                args.add(ByteString.copyFromUtf8(a.substring(1, a.length() - 1)));
            } else if (a.startsWith("\"")) {
                args.add(unquote(a));
            } else {
                args.add(ByteString.copyFromUtf8(a));
            }
        }
        return args;
    }

    /** One escape after a backslash at {@code j}; returns the index after it. */
    private static int escape(String s, int j, ByteArrayOutputStream out) {
        if (j >= s.length()) {
            throw new IllegalArgumentException("unterminated escape");
        }
        char e = s.charAt(j);
        switch (e) {
            case 'a' -> out.write(7);
            case 'b' -> out.write(8);
            case 'f' -> out.write(12);
            case 'n' -> out.write('\n');
            case 'r' -> out.write('\r');
            case 't' -> out.write('\t');
            case 'v' -> out.write(11);
            case '\\', '"', '\'' -> out.write(e);
            case 'x' -> {
                out.write(hex(s, j + 1, 2));
                return j + 3;
            }
            case 'u', 'U' -> {
                int n = e == 'u' ? 4 : 8;
                out.writeBytes(new String(Character.toChars(hex(s, j + 1, n))).getBytes(StandardCharsets.UTF_8));
                return j + 1 + n;
            }
            default -> {
                if (e >= '0' && e <= '7' && j + 3 <= s.length()) {
                    out.write(Integer.parseInt(s.substring(j, j + 3), 8));
                    return j + 3;
                }
                throw new IllegalArgumentException("unknown escape \\" + e);
            }
        }
        return j + 1;
    }

    private static int hex(String s, int from, int digits) {
        if (from + digits > s.length()) {
            throw new IllegalArgumentException("short escape");
        }
        return Integer.parseInt(s.substring(from, from + digits), 16);
    }
}
