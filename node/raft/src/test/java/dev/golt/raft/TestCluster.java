package dev.golt.raft;

import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.Message;
import dev.golt.proto.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A synchronous, lossless (unless told otherwise) cluster of {@link RawNode}s for unit and scenario
 * tests (after etcd-io/raft's test network): each node's Ready is carried out in production's
 * {@link ReadySchedule} against its {@link MemoryStorage}, committed entries are recorded, and
 * messages are delivered in FIFO order.
 */
final class TestCluster {

    static final class Node {
        final String id;
        MemoryStorage storage = new MemoryStorage();
        RawNode raft;
        final List<Entry> applied = new ArrayList<>();
        final List<ReadState> readStates = new ArrayList<>();

        Node(String id) {
            this.id = id;
        }
    }

    final Map<String, Node> nodes = new LinkedHashMap<>();
    final List<Message> inFlight = new ArrayList<>();
    /** Every message that was delivered, for trace assertions. */
    final List<Message> delivered = new ArrayList<>();
    /** Directed links "a->b" that drop everything. */
    final Set<String> cut = new HashSet<>();
    Predicate<Message> dropIf = m -> false;
    private final int electionMin;
    private final int electionMax;
    boolean preVote = true;
    boolean checkQuorum = true;
    int maxEntries = 64;
    ReadySchedule schedule = ReadySchedule.STANDARD;

    TestCluster(int electionMin, int electionMax, String... ids) {
        this(electionMin, electionMax, true, true, 64, ids);
    }

    TestCluster(int electionMin, int electionMax, boolean preVote, boolean checkQuorum, int maxEntries, String... ids) {
        this.electionMin = electionMin;
        this.electionMax = electionMax;
        this.preVote = preVote;
        this.checkQuorum = checkQuorum;
        this.maxEntries = maxEntries;
        ConfState.Builder cs = ConfState.newBuilder();
        for (String id : ids) {
            cs.addVoters(id).putAddresses(id, id + ":7000");
        }
        for (int i = 0; i < ids.length; i++) {
            add(ids[i], cs.build(), i + 1);
        }
    }

    TestCluster(String... ids) {
        this(10, 20, ids);
    }

    RaftConfig config(String id, long seed) {
        return new RaftConfig(id, electionMin, electionMax, 1, 1 << 20, maxEntries, 16, preVote, checkQuorum, seed);
    }

    Node add(String id, ConfState bootstrap, long seed) {
        Node n = new Node(id);
        n.raft = new RawNode(config(id, seed), n.storage, bootstrap);
        nodes.put(id, n);
        return n;
    }

    Node node(String id) {
        return nodes.get(id);
    }

    RawNode raft(String id) {
        return nodes.get(id).raft;
    }

    /** Restarts from persisted state only. */
    void restart(String id, long seed) {
        Node n = nodes.get(id);
        n.raft = new RawNode(config(id, seed), n.storage, ConfState.getDefaultInstance());
        n.applied.clear();
        inFlight.removeIf(m -> m.getTo().equals(id) || m.getFrom().equals(id));
    }

    void processReady(Node n) {
        while (n.raft.hasReady()) {
            processOneReady(n, null);
        }
    }

    /** Handles one Ready of {@code n} in production's order, describing each step into {@code steps} when not null. */
    void processOneReady(Node n, List<String> steps) {
        Ready rd = n.raft.ready();
        ReadySchedule.Storage storage = new ReadySchedule.Storage() {
            @Override
            public void installSnapshot(SnapshotMetadata snapshot) {
                note(steps, "install snapshot " + snapshot.getIndex() + "/" + snapshot.getTerm());
                n.storage.applySnapshot(snapshot);
                n.applied.add(Entry.newBuilder().setIndex(snapshot.getIndex()).setTerm(snapshot.getTerm()).build());
            }

            @Override
            public void append(List<Entry> entries) {
                note(steps, "append " + ScenarioTest.describe(entries));
                n.storage.append(entries);
            }

            @Override
            public void saveHardState(HardState hs) {
                note(steps, "save hardstate term=" + hs.getTerm() + " vote=" + hs.getVote() + " commit=" + hs.getCommit());
                n.storage.setHardState(hs);
            }

            @Override
            public void sync() {
                note(steps, "sync");
            }
        };
        ReadySchedule.Transport transport = m -> {
            note(steps, "send " + ScenarioTest.format(m));
            // A cut link loses messages at the time they are sent, so healing does not replay them.
            if (!cut.contains(m.getFrom() + "->" + m.getTo())) {
                inFlight.add(m);
            }
        };
        ReadySchedule.Applier applier = new ReadySchedule.Applier() {
            @Override
            public void apply(List<Entry> committed) {
                note(steps, "apply " + ScenarioTest.describe(committed));
                n.applied.addAll(committed);
            }

            @Override
            public void readStates(List<ReadState> readStates) {
                readStates.forEach(rs -> note(steps, "read state " + new String(rs.context(), StandardCharsets.UTF_8)
                        + " at " + rs.index()));
                n.readStates.addAll(readStates);
            }
        };
        schedule.handle(rd, n.raft, storage, transport, applier);
        note(steps, "advance");
    }

    private static void note(List<String> steps, String step) {
        if (steps != null) {
            steps.add(step);
        }
    }

    boolean deliverable(Message m) {
        return nodes.containsKey(m.getTo()) && nodes.get(m.getTo()).raft != null && !cut.contains(m.getFrom() + "->" + m.getTo()) && !dropIf.test(m);
    }

    /** Processes Readys and delivers messages until nothing moves. */
    void stabilize() {
        for (int round = 0; round < 10_000; round++) {
            if (!deliverRound()) {
                return;
            }
        }
        throw new IllegalStateException("cluster did not stabilize");
    }

    /** Persists every node's Ready, then delivers the messages in flight once; false when nothing was in flight. */
    boolean deliverRound() {
        for (Node n : nodes.values()) {
            if (n.raft != null) {
                processReady(n);
            }
        }
        if (inFlight.isEmpty()) {
            return false;
        }
        List<Message> batch = new ArrayList<>(inFlight);
        inFlight.clear();
        for (Message m : batch) {
            if (deliverable(m)) {
                delivered.add(m);
                nodes.get(m.getTo()).raft.step(m);
            }
        }
        return true;
    }

    void tick(String id, int times) {
        for (int i = 0; i < times; i++) {
            nodes.get(id).raft.tick();
        }
    }

    void tickAll(int times) {
        for (int i = 0; i < times; i++) {
            for (Node n : nodes.values()) {
                n.raft.tick();
            }
            stabilize();
        }
    }

    /** Makes {@code id} campaign by ticking only it past its election timeout. */
    void campaign(String id) {
        for (int i = 0; i < electionMax && nodes.get(id).raft.status().role() != Role.PRE_CANDIDATE
                && nodes.get(id).raft.status().role() != Role.CANDIDATE; i++) {
            nodes.get(id).raft.tick();
        }
        stabilize();
    }

    void isolate(String id) {
        for (String other : nodes.keySet()) {
            if (!other.equals(id)) {
                cut.add(id + "->" + other);
                cut.add(other + "->" + id);
            }
        }
    }

    void heal() {
        cut.clear();
    }

    String leader() {
        String leader = null;
        for (Node n : nodes.values()) {
            if (n.raft.status().role() == Role.LEADER) {
                leader = n.id;
            }
        }
        return leader;
    }
}
