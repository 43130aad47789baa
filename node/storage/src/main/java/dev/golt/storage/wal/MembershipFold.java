package dev.golt.storage.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;

/**
 * Membership as the log defines it: a snapshot's {@link ConfState} updated, in log order, by the
 * conf-change entries after it. Reusable by anyone rebuilding membership from a log.
 */
public final class MembershipFold {

    private MembershipFold() {}

    /** {@code base} with every conf-change entry among {@code entries} applied in order. */
    public static ConfState fold(ConfState base, Iterable<Entry> entries) {
        ConfState state = base;
        for (Entry e : entries) {
            if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                state = apply(state, parse(e));
            }
        }
        return state;
    }

    public static ConfChange parse(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalArgumentException("entry " + e.getIndex() + " is not a valid ConfChange", ex);
        }
    }

    public static ConfState apply(ConfState state, ConfChange change) {
        String id = change.getNodeId();
        ConfState.Builder b = state.toBuilder();
        switch (change.getType()) {
            case CONF_ADD_LEARNER -> {
                if (!state.getVotersList().contains(id) && !state.getLearnersList().contains(id)) {
                    b.addLearners(id);
                }
                if (!change.getAddress().isEmpty()) {
                    b.putAddresses(id, change.getAddress());
                }
            }
            case CONF_PROMOTE_LEARNER -> {
                if (state.getLearnersList().contains(id)) {
                    b.clearLearners().addAllLearners(state.getLearnersList().stream().filter(x -> !x.equals(id)).toList());
                    b.addVoters(id);
                }
            }
            case CONF_REMOVE_NODE -> {
                b.clearVoters().addAllVoters(state.getVotersList().stream().filter(x -> !x.equals(id)).toList());
                b.clearLearners().addAllLearners(state.getLearnersList().stream().filter(x -> !x.equals(id)).toList());
                b.removeAddresses(id);
            }
            default -> { /* unknown future change types leave membership unchanged */ }
        }
        return b.build();
    }
}
