// LeaseCommand: `golt lease grant TTL | keepalive ID [--once] | revoke ID`, etcdctl's lease
// grant, keep-alive and revoke, with etcdctl's output (IDs in hexadecimal).
package dev.golt.cli;

import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrantResponse;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import dev.golt.etcd.api.LeaseRevokeRequest;
import io.grpc.ManagedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lease", description = "Grant, keep alive or revoke leases (IDs in hexadecimal, as etcdctl prints them).",
        subcommands = {LeaseCommand.Grant.class, LeaseCommand.KeepAlive.class, LeaseCommand.Revoke.class})
final class LeaseCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** {@code golt lease} alone shows its usage. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "lease needs a subcommand: grant, keepalive or revoke");
    }

    @Command(name = "grant", description = "Grant a lease of TTL seconds; prints: lease ID granted with TTL(Ns).")
    static final class Grant extends EtcdCommand {
        @Parameters(index = "0", paramLabel = "TTL")
        long ttl;

        @Override
        int run(ManagedChannel channel) {
            LeaseGrantResponse r = timed(LeaseGrpc.newBlockingStub(channel)).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build());
            if (!r.getError().isEmpty()) {
                throw new CliException(ExitCodes.SERVER_ERROR, "lease grant: " + r.getError());
            }
            out().printf("lease %s granted with TTL(%ds)%n", LeaseIds.format(r.getID()), r.getTTL());
            return ExitCodes.OK;
        }
    }

    @Command(name = "keepalive", aliases = "keep-alive", description = "Keep lease ID alive until interrupted, "
            + "renewing it every third of its TTL and printing each renewal (lease ID keepalived with TTL(N)). "
            + "Exits 1 once it has expired or was revoked, 3 if no renewal came in time.")
    static final class KeepAlive extends EtcdCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--once", description = "Renew once, print the renewal and exit.")
        boolean once;

        @Override
        int run(ManagedChannel channel) {
            long lease = LeaseIds.parse(id);
            CompletableFuture<Object> renewed = new CompletableFuture<>();
            // Until the first answer tells the TTL, the lease is known valid only for --timeout.
            long validUntil = System.nanoTime() + timeout().toNanos();
            try (LeaseKeeper keeper = new LeaseKeeper(channel, lease, 1, validUntil, r -> print(r, renewed))) {
                keeper.start();
                Object end = (once ? CompletableFuture.anyOf(renewed, keeper.lost()) : keeper.lost()).get();
                if (end instanceof LeaseKeeper.Loss loss) {
                    if (loss.expired()) {
                        out().printf("lease %s expired or revoked.%n", LeaseIds.format(lease));
                        return ExitCodes.NOT_FOUND_OR_LOST;
                    }
                    throw new CliException(ExitCodes.UNAVAILABLE, "unavailable: " + loss.why());
                }
                return ExitCodes.OK;
            } catch (InterruptedException e) {
                return ExitCodes.OK;
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            }
        }

        private synchronized void print(LeaseKeepAliveResponse r, CompletableFuture<Object> renewed) {
            out().printf("lease %s keepalived with TTL(%d)%n", LeaseIds.format(r.getID()), r.getTTL());
            out().flush();
            renewed.complete(r);
        }
    }

    @Command(name = "revoke", description = "Revoke lease ID, deleting every key attached to it; exit 1 if there is no such lease.")
    static final class Revoke extends EtcdCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        int run(ManagedChannel channel) {
            long lease = LeaseIds.parse(id);
            timed(LeaseGrpc.newBlockingStub(channel)).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
            out().printf("lease %s revoked%n", LeaseIds.format(lease));
            return ExitCodes.OK;
        }
    }
}
