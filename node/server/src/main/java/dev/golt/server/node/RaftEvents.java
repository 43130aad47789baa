package dev.golt.server.node;

import dev.golt.proto.ConfState;
import dev.golt.raft.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The INFO lines an operator reads to follow a member's part in the cluster: elections, leader
 * changes, membership changes, snapshots sent and installed, leadership transfers. One line per
 * event, each naming this member, the term and the other members involved, in the spirit of
 * etcd-raft's "became leader at term 5" lines; never a line per request. Logged under this class's
 * name so they can be kept or silenced on their own. Each method returns its line for the tests.
 */
final class RaftEvents {

    private static final Logger LOG = Logger.getLogger(RaftEvents.class);

    private final String id;

    RaftEvents(String id) {
        this.id = id;
    }

    /** A role change seen in a Ready; null when it is not worth a line (a follower turning pre-candidate). */
    String roleChanged(Role from, Role to, long term, String leader, boolean transfer) {
        String line;
        if (to == Role.CANDIDATE && from != Role.CANDIDATE) {
            line = "election started for term " + term + (transfer ? " (leadership transfer)" : " (election timeout)");
        } else if (to == Role.LEADER) {
            // from candidate, or straight from follower when this member is the only voter
            line = "election won: leader at term " + term;
        } else if (from == Role.CANDIDATE) {
            line = "election lost at term " + term + ": " + (leader.isEmpty() ? "no leader known" : "leader is " + leader);
        } else if (from == Role.LEADER) {
            line = "stepped down from leader at term " + term + " to " + name(to);
        } else {
            return null;
        }
        return log(line);
    }

    /** A candidate whose election timed out campaigns again, for a new term. */
    String electionRestarted(long term) {
        return log("election started for term " + term + " (previous election timed out)");
    }

    String leaderChanged(String from, String to, long term) {
        return log("leader changed at term " + term + ": " + orNone(from) + " -> " + orNone(to));
    }

    /**
     * The membership a conf change entry (or a snapshot) left applied, as a difference of two
     * configurations; null when no member came, left or changed role (the bootstrap entry, a snapshot
     * of the same membership).
     */
    String membershipApplied(long index, ConfState before, ConfState after) {
        List<String> added = new ArrayList<>();
        List<String> promoted = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String v : after.getVotersList()) {
            if (before.getLearnersList().contains(v)) {
                promoted.add(v);
            } else if (!before.getVotersList().contains(v)) {
                added.add(v);
            }
        }
        for (String l : after.getLearnersList()) {
            if (!before.getVotersList().contains(l) && !before.getLearnersList().contains(l)) {
                added.add(l + " (learner)");
            }
        }
        for (String m : members(before)) {
            if (!members(after).contains(m)) {
                removed.add(m);
            }
        }
        if (added.isEmpty() && removed.isEmpty() && promoted.isEmpty()) {
            return null;
        }
        return log("membership applied at index " + index + ": added " + added + ", removed " + removed
                + ", promoted " + promoted + "; voters " + after.getVotersList() + ", learners " + after.getLearnersList());
    }

    String snapshotSending(String to, long index, long term) {
        return log("sending snapshot at index " + index + " (term " + term + ") to " + to);
    }

    String snapshotInstalled(String from, long index, long term) {
        return log("installed snapshot at index " + index + " (term " + term + ") from " + orNone(from));
    }

    String transferStarted(String to, long term) {
        return log("leadership transfer started at term " + term + ": " + id + " -> " + to);
    }

    String transferDone(String to, long term) {
        return log("leadership transfer done at term " + term + ": " + id + " -> " + to);
    }

    private String log(String event) {
        String line = id + ": " + event;
        LOG.info(line);
        return line;
    }

    private static List<String> members(ConfState c) {
        List<String> all = new ArrayList<>(c.getVotersList());
        all.addAll(c.getLearnersList());
        return all;
    }

    private static String name(Role role) {
        return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String orNone(String member) {
        return member == null || member.isEmpty() ? "none" : member;
    }
}
