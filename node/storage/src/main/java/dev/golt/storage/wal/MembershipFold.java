package dev.golt.storage.wal;

import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.raft.ConfChanges;

/**
 * Membership as the log defines it: a snapshot's {@link ConfState} updated, in log order, by the
 * conf-change entries after it (the bootstrap entry included), with the core's own rules.
 */
final class MembershipFold {

    private MembershipFold() {}

    /** {@code base} with every conf-change entry among {@code entries} applied in order. */
    static ConfState fold(ConfState base, Iterable<Entry> entries) {
        ConfState state = base;
        for (Entry e : entries) {
            if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                state = ConfChanges.apply(state, ConfChanges.decode(e));
            }
        }
        return state;
    }
}
