// BlockingCalls: serves a gRPC call whose work blocks (a Lock or Campaign may wait for hours) on a
// virtual thread of its own, in the call's Context; Golt's counterpart of the goroutine etcd's
// gRPC server gives each call.
package dev.golt.server.etcd.concurrency;

import dev.golt.server.etcd.FlowControlledSink;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The work runs in the served call's {@link Context}, so the calls it makes are cancelled when the
 * client goes away or the deadline passes; whatever it throws ends the call with the status
 * {@link ConcurrencyErrors#toStatus} gives. No gRPC executor thread is held while it waits.
 */
final class BlockingCalls {

    private final ThreadFactory threads;

    BlockingCalls(String threadName) {
        this.threads = Thread.ofVirtual().name(threadName + "-", 0).factory();
    }

    /** A unary call: answers with what {@code work} returns. */
    <T> void unary(StreamObserver<T> out, Supplier<T> work) {
        start(() -> {
            T answer;
            try {
                answer = work.get();
            } catch (RuntimeException e) {
                fail(out, e);
                return;
            }
            try {
                out.onNext(answer);
                out.onCompleted();
            } catch (StatusRuntimeException alreadyCancelled) {
                // the client went away after the work was done; nobody is listening
            }
        });
    }

    /** A server-streaming call: {@code work} sends through the sink, then the call completes. */
    <T> void streaming(ServerCallStreamObserver<T> out, Consumer<FlowControlledSink<T>> work) {
        FlowControlledSink<T> sink = new FlowControlledSink<>(out); // its handlers must be set before returning
        start(() -> {
            try {
                work.accept(sink);
            } catch (RuntimeException e) {
                fail(out, e);
                return;
            }
            try {
                out.onCompleted();
            } catch (StatusRuntimeException alreadyCancelled) {
                // nobody is listening
            }
        });
    }

    private void start(Runnable task) {
        threads.newThread(Context.current().wrap(task)).start();
    }

    private static void fail(StreamObserver<?> out, RuntimeException e) {
        try {
            out.onError(ConcurrencyErrors.toStatus(e).asRuntimeException());
        } catch (RuntimeException alreadyClosed) {
            // the call was cancelled meanwhile
        }
    }
}
