// EtcdCommand: what every subcommand that speaks etcd's v3 gRPC API shares (txn, watch, lease,
// lock, elect): the channel to --grpc-endpoints, per-call deadlines, error mapping, output.
package dev.golt.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Long-running commands run until their thread is interrupted (main's shutdown hook interrupts it
 * on Ctrl-C or SIGTERM, and waits for the command to clean up); a gRPC call that fails ends the
 * command with the exit code {@link GrpcErrors} gives.
 */
abstract class EtcdCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    GoltCli root() {
        return (GoltCli) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Duration timeout() {
        return root().timeout;
    }

    /** {@code stub} with a deadline of --timeout from now: for one unary call. */
    <S extends AbstractStub<S>> S timed(S stub) {
        return stub.withDeadlineAfter(timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public final Integer call() throws Exception {
        if (root().json) {
            throw new CliException(ExitCodes.USAGE, "--json applies to the HTTP commands; " + spec.name() + " prints etcdctl's format");
        }
        ManagedChannel channel = root().grpcChannel();
        try {
            return run(channel);
        } catch (StatusRuntimeException e) {
            throw GrpcErrors.toCli(e, writes());
        } finally {
            channel.shutdownNow();
            out().flush();
        }
    }

    /** The command's work; returns the exit code. */
    abstract int run(ManagedChannel channel) throws Exception;

    /** Whether a call this command makes may change the store (then a broken call's outcome is unknown). */
    boolean writes() {
        return true;
    }
}
