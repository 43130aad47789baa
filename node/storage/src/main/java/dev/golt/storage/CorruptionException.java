package dev.golt.storage;

import java.nio.file.Path;

/** Stored data failed a checksum or structural check; the store refuses to continue on it. */
public class CorruptionException extends StorageException {
    public CorruptionException(Path file, long offset, String what) {
        super("corrupt " + file + " at offset " + offset + ": " + what);
    }

    public CorruptionException(String message) {
        super(message);
    }
}
