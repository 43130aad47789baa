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
import io.grpc.stub.StreamObserver;

/**
 * etcd's Lease service. Keep-alives are answered in the order they arrive on a stream; one that
 * cannot reach a leader ends the stream with etcd's error, as etcd does, and the client reopens it.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {

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
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
        return new StreamObserver<>() {
            private java.util.concurrent.CompletableFuture<Void> last = java.util.concurrent.CompletableFuture.completedFuture(null);
            private volatile boolean done;

            @Override
            public synchronized void onNext(LeaseKeepAliveRequest r) {
                // Chained so the answers keep the requests' order.
                last = last.thenCompose(ignored -> api.leaseRenew(r.getID())).handle((ttl, e) -> {
                    synchronized (out) {
                        if (done) {
                            return null;
                        }
                        if (e != null) {
                            done = true;
                            out.onError(EtcdError.status(e));
                        } else {
                            out.onNext(LeaseKeepAliveResponse.newBuilder().setHeader(api.header())
                                    .setID(r.getID()).setTTL(ttl).build());
                        }
                    }
                    return null;
                });
            }

            @Override
            public void onError(Throwable t) {
                done = true;
            }

            @Override
            public void onCompleted() {
                last.whenComplete((v, e) -> {
                    synchronized (out) {
                        if (!done) {
                            done = true;
                            out.onCompleted();
                        }
                    }
                });
            }
        };
    }
}
