// ElectCommand: `golt elect NAME PROPOSAL` and `golt elect NAME --listen`, etcdctl's elect: campaign
// through the etcd v3 Election service and hold leadership until interrupted, or observe leaders.
package dev.golt.cli;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.CampaignRequest;
import dev.golt.etcd.api.ElectionGrpc;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.LeaderKey;
import dev.golt.etcd.api.LeaderRequest;
import dev.golt.etcd.api.LeaderResponse;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.ResignRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "elect", description = {"Campaign in the election NAME with PROPOSAL as the value: wait to become "
    + "leader, print the leader key and value, and lead until interrupted (then resign). Exit 6 if leadership "
    + "is lost (its lease expired or was revoked, or its key deleted).",
    "With --listen: print the key and value of each leader, and each new value it proclaims, until interrupted."})
final class ElectCommand extends EtcdCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROPOSAL")
    String proposal;

    @Option(names = {"-l", "--listen"}, description = "Observe the election instead of campaigning.")
    boolean listen;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "10",
            description = "TTL of the campaign's lease (default ${DEFAULT-VALUE}): how soon leadership passes on if golt dies.")
    long ttl;

    @Override
    int run(ManagedChannel channel) throws InterruptedException {
        if (listen == (proposal != null)) {
            throw new CliException(ExitCodes.USAGE, listen ? "a PROPOSAL is given but --listen is set"
                    : "no PROPOSAL given and --listen not set");
        }
        return listen ? observe(channel) : campaign(channel);
    }

    private int campaign(ManagedChannel channel) {
        if (ttl <= 0) {
            throw new CliException(ExitCodes.USAGE, "--ttl must be positive");
        }
        try (LeaseSession session = LeaseSession.grant(channel, ttl, timeout())) {
            LeaderKey leader;
            try {
                leader = ElectionGrpc.newBlockingStub(channel).campaign(CampaignRequest.newBuilder()
                        .setName(ByteString.copyFromUtf8(name)).setLease(session.id())
                        .setValue(ByteString.copyFromUtf8(proposal)).build()).getLeader();
            } catch (StatusRuntimeException e) {
                if (Thread.interrupted()) {
                    return LockCommand.INTERRUPTED; // the service withdraws the campaign of a call that went away
                }
                throw e;
            }
            RangeResponse r = timed(KVGrpc.newBlockingStub(channel)).range(RangeRequest.newBuilder().setKey(leader.getKey()).build());
            if (r.getKvsCount() == 0) {
                throw new CliException(ExitCodes.LOST, "elect: leadership lost on init");
            }
            new EtcdPrinter(out()).range(r);
            out().flush();
            session.guard(leader.getKey(), r.getHeader().getRevision());
            try {
                throw new CliException(ExitCodes.LOST, "elect: leadership of " + name + " lost: " + session.lost().get());
            } catch (InterruptedException e) {
                Thread.interrupted();
                resign(channel, leader);
                return ExitCodes.OK;
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    private int observe(ManagedChannel channel) {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        Context.CancellableContext observing = Context.current().withCancellation();
        try {
            observing.run(() -> ElectionGrpc.newStub(channel).observe(
                    LeaderRequest.newBuilder().setName(ByteString.copyFromUtf8(name)).build(), into(seen)));
            EtcdPrinter printer = new EtcdPrinter(out());
            while (true) {
                Object next = seen.take();
                if (next instanceof LeaderResponse r) {
                    printer.kv(r.getKv());
                    out().flush();
                } else if (next instanceof Throwable t) {
                    throw Status.fromThrowable(t).asRuntimeException();
                } else {
                    throw new CliException(ExitCodes.UNAVAILABLE, "elect: observer lost");
                }
            }
        } catch (InterruptedException e) {
            return ExitCodes.OK;
        } finally {
            observing.cancel(null);
        }
    }

    private void resign(ManagedChannel channel, LeaderKey leader) {
        try {
            timed(ElectionGrpc.newBlockingStub(channel)).resign(ResignRequest.newBuilder().setLeader(leader).build());
        } catch (StatusRuntimeException ignored) {
            // the lease is revoked next, which ends the leadership as well
        }
    }

    private static StreamObserver<LeaderResponse> into(BlockingQueue<Object> queue) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaderResponse value) {
                queue.add(value);
            }

            @Override
            public void onError(Throwable t) {
                queue.add(t);
            }

            @Override
            public void onCompleted() {
                queue.add("completed");
            }
        };
    }

    @Override
    boolean writes() {
        return !listen;
    }
}
