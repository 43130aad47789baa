package dev.golt.storage;

/** Whether durability points really call {@code fsync}. NEVER is for tests and benchmarks only. */
public enum FsyncPolicy {
    ALWAYS,
    NEVER
}
