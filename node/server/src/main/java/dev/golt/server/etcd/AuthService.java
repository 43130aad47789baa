package dev.golt.server.etcd;

import dev.golt.etcd.api.AuthGrpc;
import dev.golt.etcd.api.AuthStatusRequest;
import dev.golt.etcd.api.AuthStatusResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Auth service: Golt has no users or roles yet, so authentication is off (AuthStatus says
 * so, as etcd with auth disabled does) and every other call answers Unimplemented.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {

    private final EtcdApi api;

    public AuthService(EtcdApi api) {
        this.api = api;
    }

    @Override
    public void authStatus(AuthStatusRequest request, StreamObserver<AuthStatusResponse> out) {
        Replies.reply(out, () -> CompletableFuture.completedFuture(
                AuthStatusResponse.newBuilder().setHeader(api.header()).setEnabled(false).build()));
    }
}
