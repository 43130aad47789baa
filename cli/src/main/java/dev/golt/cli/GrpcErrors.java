// GrpcErrors: turns a failed etcd v3 gRPC call into golt's exit codes (ExitCodes) and a one-line
// message, as NodeClient does for the HTTP API.
package dev.golt.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;

final class GrpcErrors {

    private GrpcErrors() {}

    /**
     * {@code mayHaveWritten}: the call could have changed something, so a failure after it was
     * sent leaves the outcome unknown.
     */
    static CliException toCli(StatusRuntimeException e, boolean mayHaveWritten) {
        Status s = e.getStatus();
        String text = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
        return switch (s.getCode()) {
            case NOT_FOUND -> new CliException(ExitCodes.NOT_FOUND_OR_LOST, text);
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, PERMISSION_DENIED,
                 UNAUTHENTICATED, UNIMPLEMENTED -> new CliException(ExitCodes.USAGE, s.getCode() + ": " + text);
            case UNAVAILABLE -> neverSent(e) != null ? new CliException(ExitCodes.UNAVAILABLE, "unavailable: " + neverSent(e))
                    : mayHaveWritten ? unknown(text) : new CliException(ExitCodes.UNAVAILABLE, "unavailable: " + text);
            case DEADLINE_EXCEEDED -> mayHaveWritten ? unknown("no answer in time")
                    : new CliException(ExitCodes.UNAVAILABLE, "unavailable: no answer in time");
            default -> new CliException(ExitCodes.SERVER_ERROR, s.getCode() + ": " + text);
        };
    }

    /** Why no endpoint took the connection (so the request never left), or null if one did. */
    private static String neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "cannot connect (" + t.getMessage() + ")";
            }
        }
        return null;
    }

    private static CliException unknown(String text) {
        return new CliException(ExitCodes.OUTCOME_UNKNOWN, "outcome unknown (the write may or may not have been applied): " + text);
    }
}
