package dev.golt.cli;

/** The process exit codes of {@code golt}; listed in {@code golt --help}. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The key (or member) does not exist, or a compare-and-set lost the race. */
    public static final int NOT_FOUND_OR_LOST = 1;
    /** Bad command line, or the server rejected the request as invalid (400, 413). */
    public static final int USAGE = 2;
    /** No endpoint reachable, or every one answered 503 until the timeout. Nothing was applied. */
    public static final int UNAVAILABLE = 3;
    /** A write's outcome is unknown (504, or the connection failed after the request was sent). */
    public static final int OUTCOME_UNKNOWN = 4;
    /** Any other server error or unexpected answer. */
    public static final int SERVER_ERROR = 5;
    /** The lock or leadership was lost while held: its lease expired or was revoked, or its key deleted. */
    public static final int LOST = 6;
    /** {@code lock -- COMMAND}: the command could not be started (as a shell reports it). */
    public static final int COMMAND_NOT_STARTED = 127;

    private ExitCodes() {}
}
