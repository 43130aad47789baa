package dev.golt.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * Applying membership changes to a {@link ConfState}: the core uses it when a conf-change entry is
 * appended; drivers use it when one is applied, to know members and their addresses.
 */
public final class ConfChanges {

    private ConfChanges() {}

    /** The ConfChange carried by an ENTRY_CONF_CHANGE entry. */
    public static ConfChange decode(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("conf-change entry " + e.getIndex() + " is not a ConfChange", ex);
        }
    }

    /** Whether {@code cc} makes sense against {@code cs}; null when valid, else why not. */
    public static String validate(ConfState cs, ConfChange cc) {
        String id = cc.getNodeId();
        boolean voter = cs.getVotersList().contains(id);
        boolean learner = cs.getLearnersList().contains(id);
        return switch (cc.getType()) {
            case CONF_ADD_LEARNER -> id.isEmpty() ? "empty node id" : voter || learner ? id + " is already a member" : null;
            case CONF_PROMOTE_LEARNER -> learner ? null : id + " is not a learner";
            case CONF_REMOVE_NODE -> !voter && !learner ? id + " is not a member"
                    : voter && cs.getVotersCount() == 1 ? "cannot remove the last voter" : null;
            case CONF_BOOTSTRAP -> "bootstrap is only written by a fresh node";
            default -> "unknown change " + cc.getType();
        };
    }

    public static ConfState apply(ConfState cs, ConfChange cc) {
        String id = cc.getNodeId();
        ConfState.Builder b = cs.toBuilder();
        switch (cc.getType()) {
            case CONF_BOOTSTRAP -> {
                return cc.getConfState();
            }
            case CONF_ADD_LEARNER -> {
                if (cs.getVotersList().contains(id) || cs.getLearnersList().contains(id)) {
                    return cs;
                }
                b.addLearners(id);
                if (!cc.getAddress().isEmpty()) {
                    b.putAddresses(id, cc.getAddress());
                }
            }
            case CONF_PROMOTE_LEARNER -> {
                if (!cs.getLearnersList().contains(id)) {
                    return cs;
                }
                b.clearLearners().addAllLearners(without(cs.getLearnersList(), id)).addVoters(id);
            }
            case CONF_REMOVE_NODE -> {
                b.clearVoters().addAllVoters(without(cs.getVotersList(), id));
                b.clearLearners().addAllLearners(without(cs.getLearnersList(), id));
                b.removeAddresses(id);
            }
            default -> {
                return cs;
            }
        }
        return b.build();
    }

    private static List<String> without(List<String> ids, String id) {
        List<String> out = new ArrayList<>(ids);
        out.remove(id);
        return out;
    }
}
