package dev.golt.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.ConfChange;
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
                changes.add(new Change(e.getIndex(), apply(current(), decode(e))));
            }
        }
        return !before.equals(current());
    }

    private void truncateFrom(long index) {
        while (!changes.isEmpty() && changes.get(changes.size() - 1).index() >= index) {
            changes.remove(changes.size() - 1);
        }
    }

    static ConfChange decode(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("conf-change entry " + e.getIndex() + " is not a ConfChange", ex);
        }
    }

    /** Whether {@code cc} makes sense against {@code cs}; null when valid, else why not. */
    static String validate(ConfState cs, ConfChange cc) {
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

    static ConfState apply(ConfState cs, ConfChange cc) {
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
