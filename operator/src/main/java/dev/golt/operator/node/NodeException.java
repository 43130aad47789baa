package dev.golt.operator.node;

/** A node did not answer, or answered with an error. */
public class NodeException extends RuntimeException {
    private final int statusCode;

    public NodeException(String message, int statusCode, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /** HTTP status, or 0 when there was no answer. */
    public int statusCode() {
        return statusCode;
    }
}
