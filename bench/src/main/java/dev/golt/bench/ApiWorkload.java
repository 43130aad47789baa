package dev.golt.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The workloads of the etcd-API benchmark: commands of etcd's own {@code benchmark} tool, with the
 * same flags against either system. Values are {@link #VALUE_BYTES} bytes, keys 8 bytes.
 */
public enum ApiWorkload {
    /** {@code put --sequential-keys}: keys 0..total-1 (varints in 8 bytes), each written once. */
    PUT("put", "put, sequential keys"),
    /** {@code range KEY --consistency=l}: a linearizable Range of one preloaded key. */
    RANGE_LINEARIZABLE("range-l", "range, linearizable"),
    /** {@code range KEY --consistency=s}: a serializable Range of one preloaded key. */
    RANGE_SERIALIZABLE("range-s", "range, serializable"),
    /** {@code txn-put}: a Txn with one Put (keys 0..total-1 in sequence). */
    TXN_PUT("txn-put", "txn-put"),
    /**
     * {@code watch-latency}: the clients are watchers (streams x watchers-per-stream) of one key;
     * one more client puts that key {@code total} times at a fixed rate; each event's latency runs
     * from the end of its Put to its arrival at a watcher.
     */
    WATCH_LATENCY("watch-latency", "watch-latency");

    /** Value size of every write (and of the key the range workloads read). */
    public static final int VALUE_BYTES = 256;
    /** Key size of the put and txn-put workloads. */
    public static final int KEY_BYTES = 8;
    /** The key the range workloads read; written once ({@link #VALUE_BYTES} bytes) before the first cell. */
    public static final String RANGE_KEY = "bench/range";
    /** gRPC connections are shared by the clients: one per client up to this many. */
    public static final int MAX_CONNS = 100;
    /** watch-latency: watch streams are spread over the connections, one per watcher up to this many. */
    public static final int MAX_STREAMS = 100;

    private final String cliName;
    private final String label;

    ApiWorkload(String cliName, String label) {
        this.cliName = cliName;
        this.label = label;
    }

    public String cliName() {
        return cliName;
    }

    public String label() {
        return label;
    }

    public static ApiWorkload byName(String name) {
        for (ApiWorkload w : values()) {
            if (w.cliName.equals(name) || w.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload " + name);
    }

    public static int conns(int clients) {
        return Math.min(clients, MAX_CONNS);
    }

    public static int streams(int clients) {
        return Math.min(clients, MAX_STREAMS);
    }

    public static int watchersPerStream(int clients) {
        int streams = streams(clients);
        return (clients + streams - 1) / streams;
    }

    /**
     * Requests per cell at {@code clients} when {@code --total} does not fix it: sized so that a
     * cell takes a few seconds on a 2-core machine (base x min(clients, 100)^0.6, at least 20 per
     * client, rounded to hundreds); for watch-latency the number of Puts, at {@code putRate} per
     * second ({@code 5 s} at the default 100/s), whatever the number of watchers.
     */
    public int defaultTotal(int clients, int putRate) {
        if (this == WATCH_LATENCY) {
            return Math.max(10, putRate * 5);
        }
        int base = switch (this) {
            case PUT, TXN_PUT -> 2_000;
            case RANGE_LINEARIZABLE -> 3_000;
            case RANGE_SERIALIZABLE -> 5_000;
            case WATCH_LATENCY -> throw new AssertionError();
        };
        double raw = base * Math.pow(Math.min(clients, 100), 0.6);
        long rounded = Math.round(raw / 100) * 100;
        return (int) Math.max(rounded, 20L * clients);
    }

    /**
     * The tool's command line after the binary: global flags, then the command and its flags.
     *
     * @param endpoints comma-separated {@code host:port} list
     * @param total     requests (watch-latency: Puts)
     * @param putRate   watch-latency's Puts per second
     */
    public List<String> toolArgs(String endpoints, int clients, int total, int putRate) {
        List<String> a = new ArrayList<>(List.of(
                "--endpoints=" + endpoints,
                "--conns=" + conns(clients),
                "--clients=" + clients,
                "--precise"));
        switch (this) {
            case PUT -> a.addAll(List.of("put", "--key-size=" + KEY_BYTES, "--sequential-keys",
                    "--key-space-size=" + total, "--total=" + total, "--val-size=" + VALUE_BYTES));
            case RANGE_LINEARIZABLE -> a.addAll(List.of("range", RANGE_KEY, "--consistency=l", "--total=" + total));
            case RANGE_SERIALIZABLE -> a.addAll(List.of("range", RANGE_KEY, "--consistency=s", "--total=" + total));
            case TXN_PUT -> a.addAll(List.of("txn-put", "--key-size=" + KEY_BYTES, "--key-space-size=" + total,
                    "--total=" + total, "--val-size=" + VALUE_BYTES));
            case WATCH_LATENCY -> a.addAll(List.of("watch-latency", "--put-total=" + total, "--put-rate=" + putRate,
                    "--streams=" + streams(clients), "--watchers-per-stream=" + watchersPerStream(clients),
                    "--key-size=" + KEY_BYTES, "--val-size=" + VALUE_BYTES));
        }
        return a;
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
