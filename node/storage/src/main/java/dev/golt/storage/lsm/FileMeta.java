package dev.golt.storage.lsm;

/** One live SSTable: where it is, what key range it covers, and its open reader. */
record FileMeta(long number, long size, long entries, byte[] smallest, byte[] largest, Table table) {

    boolean overlaps(byte[] lo, byte[] hi) {
        return Coding.compare(largest, lo) >= 0 && Coding.compare(smallest, hi) <= 0;
    }
}
