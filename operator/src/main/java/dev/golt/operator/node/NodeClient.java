package dev.golt.operator.node;

import java.net.URI;
import java.util.List;

/** The node HTTP API as the operator uses it. Every method throws {@link NodeException} on failure. */
public interface NodeClient {

    NodeStatus status(URI node);

    List<NodeStatus.Member> members(URI node);

    /** Adds a learner; idempotent for an existing member. */
    void addMember(URI node, String id, String raftAddress);

    /** Removes a member; an unknown member counts as removed. */
    void removeMember(URI node, String id);

    /** Transfers leadership to {@code to} (or the most up-to-date follower when null); returns the new leader. */
    String transferLeadership(URI node, String to);

    /** Takes a snapshot now; returns its index. */
    long snapshot(URI node);
}
