package dev.golt.storage.lsm;

/** A forward cursor over sorted keys; a null {@link #value()} is a tombstone. */
interface KvIterator {
    boolean valid();

    byte[] key();

    byte[] value();

    void next();

    /** Positions at the first key {@code >= target}. */
    void seek(byte[] target);

    /** Positions at the first key. */
    void seekToFirst();
}
