package dev.golt.storage;

/** An I/O failure or invariant violation in the storage engine. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
