package dev.golt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code golt}: the command-line client of the Golt HTTP API and of the nodes' etcd v3 gRPC API. */
@Command(name = "golt", mixinStandardHelpOptions = true, version = "golt 0.1.0", scope = ScopeType.INHERIT,
        description = {"Command-line client for a Golt cluster: put ... transfer-leadership talk to the nodes'",
            "HTTP API (--endpoints); txn, watch, lease, lock and elect to their etcd v3 gRPC API (--grpc-endpoints)."},
        subcommands = {PutCommand.class, GetCommand.class, DeleteCommand.class, CasCommand.class,
            ScanCommand.class, StatusCommand.class, MembersCommand.class, SnapshotCommand.class,
            TransferLeadershipCommand.class, TxnCommand.class, WatchCommand.class, LeaseCommand.class,
            LockCommand.class, ElectCommand.class, BackupCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:key or member not found, or cas lost the race (current value differs)",
            "2:usage error, or the server rejected the request as invalid (400, 413)",
            "3:unavailable: no endpoint reachable, or 503 until --timeout (nothing applied)",
            "4:outcome unknown: 504, or the connection broke after a write was sent",
            "5:other server error or unexpected answer",
            "6:lock or leadership lost (lease expired, revoked or key deleted); lock killed the command",
            "*:lock -- COMMAND: the command's own exit status (127: it could not be started)"},
        footerHeading = "%nEndpoints:%n",
        footer = {"Tried in order; connection failures and 503 move on to the next, a round of 503s",
            "waits for Retry-After (at most 1 s) and tries again until --timeout.",
            "Default: $GOLT_ENDPOINTS, else " + GoltCli.DEFAULT_ENDPOINT + ".",
            "gRPC (--grpc-endpoints): the first endpoint that takes the connection, the next when it breaks.",
            "Default: $GOLT_GRPC_ENDPOINTS, else " + GoltCli.DEFAULT_GRPC_ENDPOINT + "."})
public final class GoltCli {

    static final String DEFAULT_ENDPOINT = "127.0.0.1:8001";
    static final String DEFAULT_GRPC_ENDPOINT = "127.0.0.1:2379";

    @Option(names = {"-e", "--endpoints"}, scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
            description = "Comma-separated node HTTP addresses (env GOLT_ENDPOINTS, default " + DEFAULT_ENDPOINT + ").")
    String endpoints;

    @Option(names = "--grpc-endpoints", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
            description = "Comma-separated etcd v3 gRPC addresses of the nodes (--grpc), for txn, watch, lease, lock, elect "
                    + "(env GOLT_GRPC_ENDPOINTS, default " + DEFAULT_GRPC_ENDPOINT + ").")
    String grpcEndpoints;

    @Option(names = {"-t", "--timeout"}, scope = ScopeType.INHERIT, defaultValue = "10s",
            converter = DurationConverter.class, paramLabel = "DURATION",
            description = {"Overall time for the command, retries included (e.g. 500ms, 5s; default ${DEFAULT-VALUE});",
                "for the gRPC commands, the time each request may take (waiting for a lock or leadership is not limited)."})
    Duration timeout;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the node's JSON answer as is.")
    boolean json;

    @Option(names = "--consistency", scope = ScopeType.INHERIT, paramLabel = "linearizable|stale",
            defaultValue = "linearizable",
            description = "Reads (get, scan): linearizable (default) or stale (the answering node's local state).")
    Consistency consistency;

    private final Map<String, String> env;
    private final Sleeper sleeper;
    private final ObjectMapper mapper = new ObjectMapper();

    public GoltCli(Map<String, String> env, Sleeper sleeper) {
        this.env = env;
        this.sleeper = sleeper;
    }

    /** Reads are linearizable unless the user accepts stale answers. */
    public enum Consistency { linearizable, stale }

    /** Held so that the logging levels set in {@link #quietLibraries} are not collected away. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    public static void main(String[] args) {
        quietLibraries();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        Interrupts interrupts = Interrupts.forCurrentThread();
        int code = run(args, out, err, System.getenv(), Sleeper.REAL);
        interrupts.finished();
        System.exit(code);
    }

    /**
     * A short-lived client's stderr is for its own messages: grpc-java and Netty log only warnings,
     * and Netty does without sun.misc.Unsafe (which newer JDKs warn about on first use).
     */
    private static void quietLibraries() {
        System.setProperty("io.netty.noUnsafe", "true");
        for (String name : List.of("io.grpc", "io.netty")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, Sleeper sleeper) {
        CommandLine cmd = new CommandLine(new GoltCli(env, sleeper));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException c) {
                line.getErr().println("golt: " + c.getMessage());
                return c.exitCode();
            }
            line.getErr().println("golt: " + e);
            return ExitCodes.SERVER_ERROR;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    NodeClient client() {
        String spec = endpoints != null ? endpoints : env.getOrDefault("GOLT_ENDPOINTS", DEFAULT_ENDPOINT);
        return new NodeClient(Endpoints.parse(spec), timeout, sleeper, mapper);
    }

    /** A channel to the etcd v3 gRPC API of the nodes; the caller shuts it down. */
    ManagedChannel grpcChannel() {
        return GrpcChannels.open(grpcEndpoints != null ? grpcEndpoints
                : env.getOrDefault("GOLT_GRPC_ENDPOINTS", DEFAULT_GRPC_ENDPOINT));
    }

    ObjectMapper mapper() {
        return mapper;
    }
}
