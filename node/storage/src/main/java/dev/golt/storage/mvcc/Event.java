package dev.golt.storage.mvcc;

/**
 * One change at one revision, as etcd's {@code mvccpb.Event}. A delete's {@code kv} carries only the
 * key and the deleting revision as its {@code modRevision}; {@code prevKv} is the version before the
 * change (null when the key did not exist, or when it was not asked for).
 */
public record Event(Type type, KeyValue kv, KeyValue prevKv) {

    public enum Type { PUT, DELETE }

    public Event withoutPrev() {
        return prevKv == null ? this : new Event(type, kv, null);
    }
}
