package dev.golt.storage.mvcc;

import java.util.List;

/**
 * The answer to a range read: up to the limit of keys in key order, how many keys the range holds in
 * all ({@code count}, regardless of the limit), and whether keys were left out ({@code more}).
 */
public record RangeResult(List<KeyValue> kvs, long count, boolean more) {}
