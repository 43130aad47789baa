package dev.golt.raft.linearizability;

/**
 * What every operation of a recorded history has besides its input and outcome: the client that
 * ran it and its invocation and return on the {@link Recorder}'s clock.
 */
public abstract class TimedOperation implements Timed {

    /** Return time of an operation whose outcome is unknown. */
    public static final long NEVER = Long.MAX_VALUE;

    final int client;
    long invokedAt;
    long returnedAt = NEVER;

    TimedOperation(int client) {
        this.client = client;
    }

    public int client() {
        return client;
    }

    @Override
    public long invokedAt() {
        return invokedAt;
    }

    @Override
    public long returnedAt() {
        return returnedAt;
    }

    public boolean known() {
        return returnedAt != NEVER;
    }

    /** {@code c<client> <input> -> <output> [invoked, returned]}, the return {@code inf} while unknown. */
    String describe(String input, String output) {
        return "c" + client + " " + input + " -> " + output + " [" + invokedAt + ", "
                + (known() ? String.valueOf(returnedAt) : "inf") + "]";
    }
}
