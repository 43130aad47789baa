// TxnParser: one line of etcdctl's txn input (etcdctl/ctlv3/command/txn_command.go): a compare
// such as mod("key") > "0", or a request: put, get or del with etcdctl's arguments and flags.
package dev.golt.cli;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RequestOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Compares: {@code ver|version, c|create, m|mod, val|value, lease} of a quoted key, one of
 * {@code = != < >}, a quoted value (a number for the revisions and version, a hexadecimal ID for
 * lease, which etcdctl cannot parse). Requests: {@code put KEY VALUE [--lease=ID] [--prev-kv]
 * [--ignore-value] [--ignore-lease]}, {@code get KEY [END] [--prefix] [--from-key] [--limit=N]
 * [--rev=N] [--keys-only] [--count-only] [--sort-by=T] [--order=O]}, {@code del KEY [END]
 * [--prefix] [--from-key] [--prev-kv]}. A bad line throws IllegalArgumentException.
 */
final class TxnParser {

    private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

    private TxnParser() {}

    static Compare compare(String line) {
        int paren = line.indexOf('(');
        if (paren < 0) {
            throw new IllegalArgumentException("malformed comparison: " + line);
        }
        String target = line.substring(0, paren);
        GoStrings.Quoted key = GoStrings.readQuoted(line, paren + 1);
        String rest = line.substring(key.end());
        if (!rest.startsWith(")")) {
            throw new IllegalArgumentException("malformed comparison: " + line);
        }
        String[] opAndValue = rest.substring(1).strip().split("\\s+", 2);
        if (opAndValue.length != 2) {
            throw new IllegalArgumentException("malformed comparison: " + line);
        }
        ByteString value = GoStrings.unquote(opAndValue[1]);
        Compare.Builder c = Compare.newBuilder().setKey(key.value()).setResult(result(opAndValue[0], line));
        switch (target) {
            case "ver", "version" -> c.setTarget(Compare.CompareTarget.VERSION).setVersion(number(value, line));
            case "c", "create" -> c.setTarget(Compare.CompareTarget.CREATE).setCreateRevision(number(value, line));
            case "m", "mod" -> c.setTarget(Compare.CompareTarget.MOD).setModRevision(number(value, line));
            case "val", "value" -> c.setTarget(Compare.CompareTarget.VALUE).setValue(value);
            case "lease" -> c.setTarget(Compare.CompareTarget.LEASE).setLease(LeaseIds.parse(value.toStringUtf8()));
            default -> throw new IllegalArgumentException("malformed comparison: " + line + " (unknown target " + target + ")");
        }
        return c.build();
    }

    static RequestOp request(String line) {
        List<ByteString> args = GoStrings.argify(line);
        if (args.size() < 2) {
            throw new IllegalArgumentException("invalid txn request: " + line);
        }
        Flags flags = Flags.split(args.subList(1, args.size()), line);
        return switch (args.get(0).toStringUtf8()) {
            case "put" -> put(flags, line);
            case "get" -> get(flags, line);
            case "del" -> del(flags, line);
            default -> throw new IllegalArgumentException("invalid txn request: " + line + " (expected put, get or del)");
        };
    }

    private static RequestOp put(Flags f, String line) {
        f.allow(line, "lease", "prev-kv", "ignore-value", "ignore-lease");
        boolean ignoreValue = f.has("ignore-value");
        if (f.positional.size() != (ignoreValue ? 1 : 2)) {
            throw new IllegalArgumentException("invalid txn request: " + line + " (put takes KEY and VALUE)");
        }
        PutRequest.Builder p = PutRequest.newBuilder().setKey(f.positional.get(0))
                .setPrevKv(f.has("prev-kv")).setIgnoreValue(ignoreValue).setIgnoreLease(f.has("ignore-lease"));
        if (!ignoreValue) {
            p.setValue(f.positional.get(1));
        }
        if (f.value("lease") != null) {
            p.setLease(LeaseIds.parse(f.value("lease")));
        }
        return RequestOp.newBuilder().setRequestPut(p).build();
    }

    private static RequestOp get(Flags f, String line) {
        f.allow(line, "prefix", "from-key", "limit", "rev", "keys-only", "count-only", "sort-by", "order");
        ByteString[] range = range(f, line);
        RangeRequest.Builder r = RangeRequest.newBuilder().setKey(range[0]).setRangeEnd(range[1])
                .setKeysOnly(f.has("keys-only")).setCountOnly(f.has("count-only"));
        if (f.value("limit") != null) {
            r.setLimit(number(f.value("limit"), line));
        }
        if (f.value("rev") != null) {
            r.setRevision(number(f.value("rev"), line));
        }
        if (f.value("sort-by") != null) {
            r.setSortTarget(switch (f.value("sort-by").toUpperCase(Locale.ROOT)) {
                case "CREATE" -> RangeRequest.SortTarget.CREATE;
                case "KEY" -> RangeRequest.SortTarget.KEY;
                case "MODIFY" -> RangeRequest.SortTarget.MOD;
                case "VALUE" -> RangeRequest.SortTarget.VALUE;
                case "VERSION" -> RangeRequest.SortTarget.VERSION;
                default -> throw new IllegalArgumentException("bad --sort-by in: " + line);
            });
            r.setSortOrder(RangeRequest.SortOrder.ASCEND);
        }
        if (f.value("order") != null) {
            r.setSortOrder(RangeRequest.SortOrder.valueOf(f.value("order").toUpperCase(Locale.ROOT)));
        }
        return RequestOp.newBuilder().setRequestRange(r).build();
    }

    private static RequestOp del(Flags f, String line) {
        f.allow(line, "prefix", "from-key", "prev-kv");
        ByteString[] range = range(f, line);
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                .setKey(range[0]).setRangeEnd(range[1]).setPrevKv(f.has("prev-kv"))).build();
    }

    /** KEY [END], --prefix or --from-key, as etcdctl's get and del read them. */
    private static ByteString[] range(Flags f, String line) {
        if (f.positional.isEmpty() || f.positional.size() > 2) {
            throw new IllegalArgumentException("invalid txn request: " + line + " (expected KEY [RANGE_END])");
        }
        ByteString key = f.positional.get(0);
        ByteString end = f.positional.size() == 2 ? f.positional.get(1) : ByteString.EMPTY;
        if (f.has("prefix") && f.has("from-key")) {
            throw new IllegalArgumentException("--prefix and --from-key cannot be set at the same time: " + line);
        }
        if (f.has("prefix")) {
            if (key.isEmpty()) {
                return new ByteString[] {ZERO, ZERO};
            }
            end = KeyRanges.prefixEnd(key);
        } else if (f.has("from-key")) {
            if (key.isEmpty()) {
                key = ZERO;
            }
            end = ZERO;
        }
        return new ByteString[] {key, end};
    }

    private static Compare.CompareResult result(String op, String line) {
        return switch (op) {
            case "=" -> Compare.CompareResult.EQUAL;
            case "!=" -> Compare.CompareResult.NOT_EQUAL;
            case "<" -> Compare.CompareResult.LESS;
            case ">" -> Compare.CompareResult.GREATER;
            default -> throw new IllegalArgumentException("malformed comparison: " + line + " (unknown operator " + op + ")");
        };
    }

    private static long number(ByteString value, String line) {
        return number(value.toStringUtf8(), line);
    }

    private static long number(String value, String line) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid txn compare request: " + line + " ('" + value + "' is not a number)");
        }
    }

    /** A request's arguments: positional ones, and --name[=value] flags (boolean flags take no value). */
    private static final class Flags {
        private static final List<String> WITH_VALUE = List.of("lease", "limit", "rev", "sort-by", "order");

        final List<ByteString> positional = new ArrayList<>();
        final Map<String, String> named = new HashMap<>();

        static Flags split(List<ByteString> args, String line) {
            Flags f = new Flags();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i).toStringUtf8();
                if (!a.startsWith("--")) {
                    f.positional.add(args.get(i));
                    continue;
                }
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                String value = eq < 0 ? null : a.substring(eq + 1);
                if (value == null && WITH_VALUE.contains(name)) {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--" + name + " needs a value: " + line);
                    }
                    value = args.get(++i).toStringUtf8();
                }
                f.named.put(name, value == null ? "" : value);
            }
            return f;
        }

        void allow(String line, String... names) {
            for (String n : named.keySet()) {
                if (!List.of(names).contains(n)) {
                    throw new IllegalArgumentException("invalid txn request: " + line + " (unknown flag --" + n + ")");
                }
            }
        }

        boolean has(String name) {
            return named.containsKey(name);
        }

        String value(String name) {
            String v = named.get(name);
            return v == null || v.isEmpty() && !WITH_VALUE.contains(name) ? null : v;
        }
    }
}
