package dev.golt.server.etcd;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Completes a unary gRPC call from a future, with etcd's status for a failure (see {@link EtcdApi#status}). */
final class Replies {

    private Replies() {}

    static <T> void reply(StreamObserver<T> out, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            out.onError(EtcdError.status(e));
            return;
        }
        f.whenComplete((r, e) -> {
            if (e != null) {
                out.onError(EtcdError.status(e));
            } else {
                out.onNext(r);
                out.onCompleted();
            }
        });
    }
}
