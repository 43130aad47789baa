// LockCommand: `golt lock NAME [--ttl S] -- COMMAND...`, etcdctl's lock: acquires NAME through the
// etcd v3 Lock service with a lease of its own kept alive, runs COMMAND while holding it, releases.
package dev.golt.cli;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.lock.LockGrpc;
import dev.golt.etcd.api.lock.LockRequest;
import dev.golt.etcd.api.lock.LockResponse;
import dev.golt.etcd.api.lock.UnlockRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lock", description = {"Acquire the lock NAME (waiting for earlier holders), run COMMAND while "
    + "holding it, release it and exit with COMMAND's status. COMMAND gets GOLT_LOCK_KEY (the lock's key) and "
    + "GOLT_FENCING_TOKEN (that key's revision: larger for every later holder; guard writes with it).",
    "If the lock is lost while COMMAND runs (its lease expired or was revoked, or its key deleted), COMMAND and "
    + "what it started are killed and golt exits 6.",
    "Without COMMAND: print the key and hold the lock until interrupted. Put -- before COMMAND if it has options."})
final class LockCommand extends EtcdCommand {

    static final int INTERRUPTED = 130;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND")
    List<String> command = List.of();

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "10",
            description = "TTL of the lock's lease (default ${DEFAULT-VALUE}): how soon the lock frees itself if golt dies.")
    long ttl;

    @Override
    int run(ManagedChannel channel) throws InterruptedException {
        if (ttl <= 0) {
            throw new CliException(ExitCodes.USAGE, "--ttl must be positive");
        }
        try (LeaseSession session = LeaseSession.grant(channel, ttl, timeout())) {
            LockResponse held;
            try {
                held = LockGrpc.newBlockingStub(channel).lock(LockRequest.newBuilder()
                        .setName(ByteString.copyFromUtf8(name)).setLease(session.id()).build());
            } catch (StatusRuntimeException e) {
                if (Thread.interrupted()) {
                    return INTERRUPTED; // the service deletes the waiting key of a call that went away
                }
                throw e;
            }
            try {
                return hold(channel, session, held.getKey());
            } finally {
                Thread.interrupted(); // release even when interrupted
                unlock(channel, held.getKey());
            }
        }
    }

    private int hold(ManagedChannel channel, LeaseSession session, ByteString key) throws InterruptedException {
        RangeResponse r = timed(KVGrpc.newBlockingStub(channel)).range(RangeRequest.newBuilder().setKey(key).build());
        if (r.getKvsCount() == 0) {
            throw new CliException(ExitCodes.LOST, "lock lost on init: key " + key.toStringUtf8() + " is gone");
        }
        KeyValue kv = r.getKvs(0);
        session.guard(key, r.getHeader().getRevision());
        if (command.isEmpty()) {
            new EtcdPrinter(out()).kv(kv);
            out().flush();
            return waitUntilLost(session);
        }
        Map<String, String> env = Map.of("GOLT_LOCK_KEY", key.toStringUtf8(),
                "GOLT_FENCING_TOKEN", Long.toString(kv.getCreateRevision()));
        GuardedProcess.Outcome outcome;
        try {
            outcome = GuardedProcess.run(command, env, session.lost());
        } catch (IOException e) {
            err().println("golt: cannot run " + command.get(0) + ": " + e.getMessage());
            return ExitCodes.COMMAND_NOT_STARTED;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
        if (outcome.lostBecause() != null) {
            throw new CliException(ExitCodes.LOST, "lock " + name + " lost while the command ran: "
                    + outcome.lostBecause() + "; the command was killed");
        }
        return outcome.status();
    }

    private int waitUntilLost(LeaseSession session) {
        try {
            String why = session.lost().get();
            throw new CliException(ExitCodes.LOST, "lock " + name + " lost: " + why);
        } catch (InterruptedException e) {
            return ExitCodes.OK;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private void unlock(ManagedChannel channel, ByteString key) {
        try {
            timed(LockGrpc.newBlockingStub(channel)).unlock(UnlockRequest.newBuilder().setKey(key).build());
        } catch (StatusRuntimeException ignored) {
            // the lease is revoked next, which deletes the key as well
        }
    }
}
