package dev.golt.server.etcd;

import dev.golt.etcd.api.LeaseGrantRequest;
import dev.golt.etcd.api.LeaseGrantResponse;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseKeepAliveRequest;
import dev.golt.etcd.api.LeaseKeepAliveResponse;
import dev.golt.etcd.api.LeaseLeasesRequest;
import dev.golt.etcd.api.LeaseLeasesResponse;
import dev.golt.etcd.api.LeaseRevokeRequest;
import dev.golt.etcd.api.LeaseRevokeResponse;
import dev.golt.etcd.api.LeaseTimeToLiveRequest;
import dev.golt.etcd.api.LeaseTimeToLiveResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * etcd's Lease service. The keep-alives of one stream are renewed concurrently, so those that
 * arrive within a heartbeat interval share one leadership check (see {@code ReadBarriers#addCoalesced})
 * instead of queueing behind each other: etcd's clients send every lease of a session on one stream
 * and match the answers by lease id, not by order. A keep-alive that cannot reach a leader ends the
 * stream with etcd's error, as etcd does, and the client reopens it.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {

    static final int KEEPALIVES_IN_FLIGHT = 1024;

    private final EtcdApi api;

    public LeaseService(EtcdApi api) {
        this.api = api;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> out) {
        Replies.reply(out, () -> api.leaseGrant(request));
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> out) {
        Replies.reply(out, () -> api.leaseRevoke(request.getID()));
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> out) {
        Replies.reply(out, () -> api.leaseTimeToLive(request));
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> out) {
        Replies.reply(out, api::leases);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        ServerCallStreamObserver<LeaseKeepAliveResponse> out = (ServerCallStreamObserver<LeaseKeepAliveResponse>) responses;
        // gRPC reads the next requests only as renewals finish: a client cannot queue more than
        // this many in the node, however fast it sends.
        out.disableAutoRequest();
        out.request(KEEPALIVES_IN_FLIGHT);
        return new StreamObserver<>() {
            private final AtomicInteger pending = new AtomicInteger();
            private volatile boolean halfClosed;
            private boolean done; // guarded by out

            @Override
            public void onNext(LeaseKeepAliveRequest r) {
                pending.incrementAndGet();
                api.leaseRenew(r.getID()).whenComplete((ttl, e) -> {
                    // One renewal's answer at a time: a gRPC call is not safe for concurrent use.
                    synchronized (out) {
                        if (!done) {
                            if (e != null) {
                                done = true;
                                out.onError(EtcdError.status(e));
                            } else {
                                out.onNext(LeaseKeepAliveResponse.newBuilder().setHeader(api.header())
                                        .setID(r.getID()).setTTL(ttl).build());
                                out.request(1);
                            }
                        }
                    }
                    if (pending.decrementAndGet() == 0 && halfClosed) {
                        complete();
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                synchronized (out) {
                    done = true;
                }
            }

            @Override
            public void onCompleted() {
                halfClosed = true;
                if (pending.get() == 0) {
                    complete();
                }
            }

            private void complete() {
                synchronized (out) {
                    if (!done) {
                        done = true;
                        out.onCompleted();
                    }
                }
            }
        };
    }
}
