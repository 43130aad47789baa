// FlowControlledSink: sends a server stream's messages only as fast as the client reads them
// (gRPC's isReady / onReady flow control), blocking the sending virtual thread meanwhile.
package dev.golt.server.etcd;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Without this, messages for a client that does not read would queue in the node without bound.
 * Made on the gRPC thread that starts the call (the handlers must be set before it returns); used
 * from one sending thread.
 */
public final class FlowControlledSink<T> {

    private final ServerCallStreamObserver<T> out;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    public FlowControlledSink(ServerCallStreamObserver<T> out) {
        this.out = out;
        out.setOnReadyHandler(this::wake);
        out.setOnCancelHandler(this::wake);
    }

    /** Sends {@code message} once the client can take it; throws CANCELLED if the client has gone. */
    public void send(T message) {
        lock.lock();
        try {
            while (out.isCancelled() || !out.isReady()) {
                if (out.isCancelled()) {
                    throw Status.CANCELLED.withDescription("context canceled").asRuntimeException();
                }
                changed.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } finally {
            lock.unlock();
        }
        out.onNext(message);
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
