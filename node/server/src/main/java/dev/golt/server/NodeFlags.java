package dev.golt.server;

import dev.golt.server.node.NodeSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's seed-compatible command line ({@code --id n1 --address host:port ...}, also
 * {@code --flag=value}) and its environment equivalents ({@code GOLT_ID}, ...), turned into the
 * configuration properties Quarkus reads at startup. A flag wins over its variable.
 */
public final class NodeFlags {

    static final List<String> FLAGS = List.of("id", "address", "http", "grpc", "peers", "data", "advertise", "initial-members",
            "initial-cluster-state", "restore-from");

    public static final String USAGE = """
            usage: golt-node --id ID --address HOST:PORT [--http HOST:PORT] [--grpc HOST:PORT] [--peers ID=HOST:PORT,...]
                             [--data DIR] [--advertise HOST:PORT] [--initial-members ID,ID,...]
                             [--initial-cluster-state new|existing] [--restore-from BACKUP]
            --restore-from starts an empty data directory from a backup (etcdctl snapshot save's file) as a
            member of a new cluster; every member of it is started from the same file.
            Every flag can also be given as an environment variable: GOLT_ID, GOLT_ADDRESS, GOLT_HTTP,
            GOLT_GRPC, GOLT_PEERS, GOLT_DATA, GOLT_ADVERTISE, GOLT_INITIAL_MEMBERS, GOLT_INITIAL_CLUSTER_STATE,
            GOLT_RESTORE_FROM.""";

    private NodeFlags() {}

    /** @throws IllegalArgumentException with a message for the user on a bad command line */
    public static Map<String, String> toProperties(String[] args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String flag : FLAGS) {
            String v = env.get("GOLT_" + flag.toUpperCase().replace('-', '_'));
            if (v != null && !v.isBlank()) {
                values.put(flag, v.trim());
            }
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!FLAGS.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name);
            }
            values.put(name, value.trim());
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            switch (e.getKey()) {
                case "http" -> {
                    HostPort hp = HostPort.parse(e.getValue(), "--http");
                    props.put("quarkus.http.host", hp.host());
                    props.put("quarkus.http.port", Integer.toString(hp.port()));
                }
                case "address" -> {
                    HostPort.parse(e.getValue(), "--address");
                    props.put("golt.address", e.getValue());
                }
                case "grpc" -> {
                    HostPort.parse(e.getValue(), "--grpc");
                    props.put("golt.grpc", e.getValue());
                }
                case "advertise" -> {
                    HostPort.parse(e.getValue(), "--advertise");
                    props.put("golt.advertise", e.getValue());
                }
                case "initial-cluster-state" -> props.put("golt.initial-cluster-state",
                        NodeSettings.InitialClusterState.parse(e.getValue()).name().toLowerCase(java.util.Locale.ROOT));
                default -> props.put("golt." + e.getKey(), e.getValue());
            }
        }
        return props;
    }

    /** Parses {@code id=host:port,...}; a bare {@code host:port} is its own id. */
    public static Map<String, String> parsePeers(String peers) {
        Map<String, String> out = new LinkedHashMap<>();
        if (peers == null || peers.isBlank()) {
            return out;
        }
        for (String p : peers.split(",")) {
            p = p.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String id = eq >= 0 ? p.substring(0, eq).trim() : p;
            String address = eq >= 0 ? p.substring(eq + 1).trim() : p;
            if (id.isEmpty()) {
                throw new IllegalArgumentException("peer '" + p + "' has an empty id");
            }
            HostPort.parse(address, "--peers");
            out.put(id, address);
        }
        return out;
    }

    public record HostPort(String host, int port) {
        public static HostPort parse(String s, String what) {
            int i = s.lastIndexOf(':');
            if (i <= 0 || i == s.length() - 1) {
                throw new IllegalArgumentException(what + ": expected host:port, got '" + s + "'");
            }
            try {
                int port = Integer.parseInt(s.substring(i + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                String host = s.substring(0, i);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                return new HostPort(host, port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": bad port in '" + s + "'");
            }
        }
    }
}
