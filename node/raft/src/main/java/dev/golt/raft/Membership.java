package dev.golt.raft;

import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import java.util.ArrayList;
import java.util.List;

/**
 * Membership as of the end of the log. A configuration takes effect as soon as its entry is
 * appended, so truncating a log suffix must undo the changes in it: this keeps the configuration at
 * the snapshot plus one record per conf-change entry after it.
 */
final class Membership {

    record Change(long index, ConfState after) {}

    private ConfState base;
    private final ArrayList<Change> changes = new ArrayList<>();

    Membership(ConfState base) {
        this.base = base;
    }

    ConfState current() {
        return changes.isEmpty() ? base : changes.get(changes.size() - 1).after();
    }

    /**
     * The configuration as of log index {@code index}: the base plus the changes at or below it. A
     * snapshot at the applied index must carry this one, not {@link #current()}, which may already
     * include a change appended after it that a new leader can still overwrite.
     */
    ConfState asOf(long index) {
        ConfState conf = base;
        for (Change c : changes) {
            if (c.index() > index) {
                break;
            }
            conf = c.after();
        }
        return conf;
    }

    /** Index of the last conf-change entry in the log, 0 if none after the snapshot. */
    long lastChangeIndex() {
        return changes.isEmpty() ? 0 : changes.get(changes.size() - 1).index();
    }

    void reset(ConfState snapshotConf) {
        base = snapshotConf;
        changes.clear();
    }

    /** Records {@code ents} appended at their indexes (dropping changes of a truncated suffix); returns whether the configuration changed. */
    boolean appended(List<Entry> ents) {
        if (ents.isEmpty()) {
            return false;
        }
        ConfState before = current();
        truncateFrom(ents.get(0).getIndex());
        for (Entry e : ents) {
            if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                changes.add(new Change(e.getIndex(), ConfChanges.apply(current(), ConfChanges.decode(e))));
            }
        }
        return !before.equals(current());
    }

    private void truncateFrom(long index) {
        while (!changes.isEmpty() && changes.get(changes.size() - 1).index() >= index) {
            changes.remove(changes.size() - 1);
        }
    }
}
