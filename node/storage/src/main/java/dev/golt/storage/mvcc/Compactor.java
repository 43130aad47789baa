package dev.golt.storage.mvcc;

import dev.golt.storage.KeyValueStore;
import dev.golt.storage.WriteBatch;

/**
 * What compacting to revision C deletes (etcd's {@code kvstore.compact}): for each key, every
 * history record below C except the newest one at or below C, and that one too when it is a
 * tombstone older than C — a read at C or later never needs them; and the event log below C, since
 * a watch may start at C at the earliest. The current records are untouched.
 */
final class Compactor {

    private Compactor() {}

    static void compact(MvccStore store, long c, WriteBatch batch) {
        KeyValueStore.KeyValue[] keep = {null};
        byte[][] group = {null};
        Runnable endGroup = () -> {
            KeyValueStore.KeyValue k = keep[0];
            if (k != null && MvccLayout.isTombstone(k.value()) && MvccLayout.revisionOfHistory(k.key()) < c) {
                batch.delete(k.key());
            }
            keep[0] = null;
        };
        store.scan(new byte[] {MvccLayout.HISTORY}, new byte[] {MvccLayout.HISTORY + 1}, e -> {
            if (group[0] == null || !MvccLayout.sameKey(group[0], e.key())) {
                endGroup.run();
                group[0] = e.key();
            }
            if (MvccLayout.revisionOfHistory(e.key()) <= c) {
                if (keep[0] != null) {
                    batch.delete(keep[0].key());
                }
                keep[0] = e;
            }
            return true;
        });
        endGroup.run();
        store.scan(new byte[] {MvccLayout.EVENTS}, MvccLayout.event(c, 0), e -> {
            batch.delete(e.key());
            return true;
        });
    }
}
