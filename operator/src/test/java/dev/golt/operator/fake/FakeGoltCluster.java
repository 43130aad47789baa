package dev.golt.operator.fake;

import dev.golt.operator.node.NodeClient;
import dev.golt.operator.node.NodeException;
import dev.golt.operator.node.NodeStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory stand-in for a running Golt cluster, answering the node API the way NODE-CONTRACT.md
 * describes. Node {@code id} is addressed as any URI whose last path segment is the id. Every
 * change request is appended to {@link #log} so tests can assert the order of operations.
 */
public final class FakeGoltCluster implements NodeClient {

    public final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, FakeNode> nodes = new LinkedHashMap<>();
    private final Map<String, String> members = new LinkedHashMap<>();
    private String leader;
    private long term = 1;
    private long commit = 1000;
    private boolean autoPromote = true;
    public volatile boolean failTransfers;

    public static final class FakeNode {
        public boolean up = true;
        public long applied;
        /** Restarted on an empty volume: answers with no log and no configuration until added again. */
        public boolean lostData;
    }

    public synchronized FakeGoltCluster bootstrap(String... voters) {
        for (String id : voters) {
            members.put(id, "voter");
            node(id);
        }
        leader = voters[0];
        return this;
    }

    /** The process of a pod; exists before it is a member. */
    public synchronized FakeNode node(String id) {
        return nodes.computeIfAbsent(id, k -> {
            FakeNode n = new FakeNode();
            n.applied = commit;
            return n;
        });
    }

    public synchronized void setAutoPromote(boolean autoPromote) {
        this.autoPromote = autoPromote;
    }

    public synchronized void promoteLearners() {
        members.replaceAll((id, role) -> "voter");
    }

    public synchronized void setLeader(String id) {
        leader = id;
        term++;
    }

    public synchronized String leader() {
        return leader;
    }

    public synchronized Map<String, String> members() {
        return new LinkedHashMap<>(members);
    }

    public synchronized long commitIndex() {
        return commit;
    }

    private static String idOf(URI uri) {
        String path = uri.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private FakeNode reachable(URI uri) {
        FakeNode node = nodes.get(idOf(uri));
        if (node == null || !node.up) {
            throw new NodeException("connection refused: " + uri, 0, null);
        }
        return node;
    }

    private void requireLeaderKnown(URI uri) {
        reachable(uri);
        if (leader == null || !nodes.containsKey(leader) || !nodes.get(leader).up) {
            throw new NodeException("no leader", 503, null);
        }
    }

    @Override
    public synchronized NodeStatus status(URI uri) {
        FakeNode node = reachable(uri);
        String id = idOf(uri);
        if (node.lostData) {
            return new NodeStatus(id, "follower", term, 0, 0, 0, 0, leader, false, List.of());
        }
        boolean member = members.containsKey(id);
        boolean isLeader = id.equals(leader);
        if (isLeader && autoPromote) {
            promoteLearners();
        }
        List<NodeStatus.Member> list = new ArrayList<>();
        if (member) {
            members.forEach((m, role) -> list.add(new NodeStatus.Member(m, m + ":7000", role,
                    isLeader ? nodes.getOrDefault(m, new FakeNode()).applied : null)));
        }
        return new NodeStatus(id, isLeader ? "leader" : "follower", term, commit, node.applied, commit, 0,
                member ? leader : null, isLeader, list);
    }

    @Override
    public synchronized List<NodeStatus.Member> members(URI uri) {
        return status(uri).members();
    }

    @Override
    public synchronized void addMember(URI uri, String id, String raftAddress) {
        requireLeaderKnown(uri);
        log.add("add " + id + " " + raftAddress);
        members.putIfAbsent(id, "learner");
        node(id).lostData = false;
        commit++;
        nodes.values().forEach(n -> n.applied = Math.max(n.applied, commit));
    }

    @Override
    public synchronized void removeMember(URI uri, String id) {
        requireLeaderKnown(uri);
        log.add("remove " + id);
        members.remove(id);
        commit++;
        nodes.values().forEach(n -> n.applied = Math.max(n.applied, commit));
    }

    @Override
    public synchronized String transferLeadership(URI uri, String to) {
        requireLeaderKnown(uri);
        if (failTransfers) {
            throw new NodeException("transfer timed out", 504, null);
        }
        String from = leader;
        String target = to != null ? to : members.entrySet().stream()
                .filter(e -> e.getValue().equals("voter") && !e.getKey().equals(from)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
        log.add("transfer " + from + "->" + target);
        setLeader(target);
        return target;
    }

    @Override
    public synchronized long snapshot(URI uri) {
        reachable(uri);
        log.add("snapshot " + idOf(uri));
        return commit;
    }
}
