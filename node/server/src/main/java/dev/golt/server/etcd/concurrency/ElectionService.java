// ElectionService: etcd's v3election gRPC service (server/etcdserver/api/v3election/election.go),
// a client of the etcd v3 KV, Lease and Watch API it is given a Channel to.
package dev.golt.server.etcd.concurrency;

import dev.golt.etcd.api.CampaignRequest;
import dev.golt.etcd.api.CampaignResponse;
import dev.golt.etcd.api.ElectionGrpc;
import dev.golt.etcd.api.LeaderKey;
import dev.golt.etcd.api.LeaderRequest;
import dev.golt.etcd.api.LeaderResponse;
import dev.golt.etcd.api.ProclaimRequest;
import dev.golt.etcd.api.ProclaimResponse;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.ResignRequest;
import dev.golt.etcd.api.ResignResponse;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Campaign waits until the lease leads the election and answers with the LeaderKey (name, key,
 * create revision, lease) that Proclaim and Resign then present; Leader names the current leader;
 * Observe streams the leaders and their proclamations. The caller keeps the lease alive. Errors
 * are etcd's (see {@link ConcurrencyErrors}); where this differs from etcd is in {@link Election}.
 */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {

    /** etcd's session(ctx, -1): Leader and Observe use no lease. */
    private static final long NO_SESSION_LEASE = -1;

    private final V3Client client;
    private final BlockingCalls calls = new BlockingCalls("golt-election");

    /** {@code etcd}: a channel to the etcd v3 API (KV, Lease, Watch) the elections live in. */
    public ElectionService(Channel etcd) {
        this.client = new V3Client(etcd);
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> responseObserver) {
        calls.unary(responseObserver, () -> {
            long lease = SessionLease.resolve(client, request.getLease());
            Election e = Election.of(client, request.getName(), lease);
            e.campaign(request.getValue());
            try {
                V3Client.checkNotCancelled();
            } catch (StatusRuntimeException gone) {
                e.resignDetached();
                throw gone;
            }
            return CampaignResponse.newBuilder().setHeader(e.header()).setLeader(LeaderKey.newBuilder()
                    .setName(request.getName()).setKey(e.key()).setRev(e.revision()).setLease(lease)).build();
        });
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> responseObserver) {
        calls.unary(responseObserver, () -> {
            Election e = resume(request.hasLeader(), request.getLeader());
            e.proclaim(request.getValue());
            return ProclaimResponse.newBuilder().setHeader(e.header()).build();
        });
    }

    @Override
    public void resign(ResignRequest request, StreamObserver<ResignResponse> responseObserver) {
        calls.unary(responseObserver, () -> {
            Election e = resume(request.hasLeader(), request.getLeader());
            e.resign();
            return ResignResponse.newBuilder().setHeader(e.header()).build();
        });
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> responseObserver) {
        calls.unary(responseObserver, () -> {
            RangeResponse resp = Election.of(client, request.getName(), NO_SESSION_LEASE).leader();
            return LeaderResponse.newBuilder().setHeader(resp.getHeader()).setKv(resp.getKvs(0)).build();
        });
    }

    @Override
    public void observe(LeaderRequest request, StreamObserver<LeaderResponse> responseObserver) {
        var out = (ServerCallStreamObserver<LeaderResponse>) responseObserver;
        LeaderObserver observer = new LeaderObserver(client, request.getName());
        calls.streaming(out, sink -> observer.observe(sink::send));
    }

    private Election resume(boolean hasLeader, LeaderKey leader) {
        if (!hasLeader) {
            throw ConcurrencyErrors.MISSING_LEADER_KEY.asRuntimeException();
        }
        long lease = SessionLease.resolve(client, leader.getLease());
        return Election.resume(client, leader.getName(), leader.getKey(), leader.getRev(), lease);
    }
}
