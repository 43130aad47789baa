package dev.golt.server.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How long a client's write may still be proposed: from the moment this node read it until its
 * deadline passes or its client goes away. A request refused for either reason has not entered
 * the log and never will, so it is answered "not applied" (503); only one refused after it was
 * proposed has an unknown outcome (504). Without this, a write that waited behind a stalled
 * driver was applied seconds after its client had given up and perhaps retried with a newer
 * value. Follows gRPC's deadline propagation: what is handed to the next hop is the time left,
 * never a clock reading, so the nodes' clocks need not agree.
 */
public final class RequestDeadline {

    private static final BooleanSupplier NO_CONNECTION = () -> false;

    private final long expiresAtNanos;
    private final BooleanSupplier disconnected;

    private RequestDeadline(long expiresAtNanos, BooleanSupplier disconnected) {
        this.expiresAtNanos = expiresAtNanos;
        this.disconnected = disconnected;
    }

    /** A deadline {@code millis} from now for a request whose client is gone once {@code disconnected} says so. */
    public static RequestDeadline after(long millis, BooleanSupplier disconnected) {
        return new RequestDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), disconnected);
    }

    /** A deadline for a request with no client connection to watch (in-process callers). */
    public static RequestDeadline after(long millis) {
        return after(millis, NO_CONNECTION);
    }

    /** Milliseconds left, 0 once passed. */
    public long remainingMillis() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(expiresAtNanos - System.nanoTime()));
    }

    /**
     * Whether the request must not be proposed any more; if so {@code answer} is failed as not
     * applied (unless already answered, when its wait timed out) and the refusal is counted.
     */
    boolean refused(CompletableFuture<?> answer, NodeMetrics metrics) {
        if (disconnected.getAsBoolean()) {
            metrics.requestDisconnected();
            answer.completeExceptionally(NodeException.unavailable(
                    "not applied: the client disconnected before the request could be proposed"));
            return true;
        }
        if (answer.isDone() || System.nanoTime() - expiresAtNanos >= 0) {
            metrics.requestExpired();
            answer.completeExceptionally(NodeException.unavailable(
                    "not applied: the request waited past its deadline before it could be proposed"));
            return true;
        }
        return false;
    }
}
