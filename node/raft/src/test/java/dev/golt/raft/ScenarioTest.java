package dev.golt.raft;

import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.proto.Message;
import dev.golt.raft.datadriven.DataDriven;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Cluster scenarios (after etcd-raft's interaction testdata): each file under
 * {@code src/test/resources/testdata} is run by {@link DataDriven}. Message traces are printed as
 * {@code from->to TYPE term ...}.
 *
 * <p>Commands: {@code cluster ids... [prevote=false] [checkquorum=false] [maxentries=N]},
 * {@code campaign id}, {@code tick id n}, {@code tick-all n} (ticks everyone and settles, n times, silently), {@code propose id data},
 * {@code deliver} (one round), {@code deliver-msgs id} (steps what is in flight to id, handling no
 * Ready), {@code process-ready id} (handles one Ready of id, printing each step), {@code stabilize}, {@code partition a b | c d}, {@code isolate id},
 * {@code heal}, {@code crash id}, {@code restart id}, {@code transfer id target},
 * {@code add-learner leader id}, {@code promote leader id}, {@code remove leader id},
 * {@code read id ctx}, {@code status id...}, {@code log id}.
 */
class ScenarioTest {

    private static final Path DIR = Path.of("src/test/resources/testdata");

    @TestFactory
    Stream<DynamicTest> scenarios() {
        return DataDriven.files(DIR, () -> new Runner()::exec);
    }

    private static final class Runner {
        private TestCluster c;

        String exec(String line) {
            String[] a = line.split("\\s+");
            List<String> out = new ArrayList<>();
            switch (a[0]) {
                case "cluster" -> {
                    List<String> ids = new ArrayList<>();
                    boolean preVote = true;
                    boolean checkQuorum = true;
                    int maxEntries = 64;
                    for (String arg : Arrays.copyOfRange(a, 1, a.length)) {
                        if (arg.startsWith("prevote=")) {
                            preVote = Boolean.parseBoolean(arg.substring(8));
                        } else if (arg.startsWith("checkquorum=")) {
                            checkQuorum = Boolean.parseBoolean(arg.substring(12));
                        } else if (arg.startsWith("maxentries=")) {
                            maxEntries = Integer.parseInt(arg.substring(11));
                        } else {
                            ids.add(arg);
                        }
                    }
                    c = new TestCluster(10, 20, preVote, checkQuorum, maxEntries, ids.toArray(String[]::new));
                    c.stabilize();
                    c.delivered.clear();
                }
                case "campaign" -> {
                    RawNode r = c.raft(a[1]);
                    for (int k = 0; k < 100 && r.role() != Role.LEADER && r.role() != Role.PRE_CANDIDATE && r.role() != Role.CANDIDATE; k++) {
                        r.tick();
                    }
                }
                case "tick" -> c.tick(a[1], Integer.parseInt(a[2]));
                case "tick-all" -> {
                    // Every node ticks once, then the cluster settles, n times; prints who leads after.
                    for (int k = 0; k < Integer.parseInt(a[1]); k++) {
                        for (TestCluster.Node n : c.nodes.values()) {
                            if (n.raft != null) {
                                n.raft.tick();
                            }
                        }
                        c.stabilize();
                    }
                    c.delivered.clear();
                }
                case "propose" -> {
                    try {
                        out.add("index " + c.raft(a[1]).propose(a[2].getBytes(StandardCharsets.UTF_8)));
                    } catch (ProposalDroppedException e) {
                        out.add("dropped: " + e.getMessage());
                    }
                }
                case "deliver" -> {
                    c.delivered.clear();
                    c.deliverRound();
                    c.delivered.forEach(m -> out.add(format(m)));
                }
                case "process-ready" -> {
                    // One Ready of one node, step by step in production's order (ReadySchedule).
                    TestCluster.Node n = c.node(a[1]);
                    if (n.raft.hasReady()) {
                        c.processOneReady(n, out);
                    }
                }
                case "deliver-msgs" -> {
                    // Steps the messages in flight to one node, without handling any Ready.
                    List<Message> batch = c.inFlight.stream().filter(m -> m.getTo().equals(a[1])).toList();
                    c.inFlight.removeAll(batch);
                    for (Message m : batch) {
                        if (c.deliverable(m)) {
                            out.add(format(m));
                            c.delivered.add(m);
                            c.raft(a[1]).step(m);
                        }
                    }
                }
                case "stabilize" -> {
                    c.delivered.clear();
                    c.stabilize();
                    c.delivered.forEach(m -> out.add(format(m)));
                }
                case "partition" -> {
                    c.cut.clear();
                    int bar = Arrays.asList(a).indexOf("|");
                    List<String> left = Arrays.asList(a).subList(1, bar);
                    List<String> right = Arrays.asList(a).subList(bar + 1, a.length);
                    for (String l : left) {
                        for (String r : right) {
                            c.cut.add(l + "->" + r);
                            c.cut.add(r + "->" + l);
                        }
                    }
                }
                case "isolate" -> c.isolate(a[1]);
                case "heal" -> c.heal();
                case "crash" -> {
                    c.node(a[1]).raft = null;
                    c.inFlight.removeIf(m -> m.getTo().equals(a[1]));
                }
                case "restart" -> c.restart(a[1], 7);
                case "transfer" -> c.raft(a[1]).transferLeadership(a[2]);
                case "add-learner", "promote", "remove" -> {
                    ConfChangeType t = switch (a[0]) {
                        case "add-learner" -> ConfChangeType.CONF_ADD_LEARNER;
                        case "promote" -> ConfChangeType.CONF_PROMOTE_LEARNER;
                        default -> ConfChangeType.CONF_REMOVE_NODE;
                    };
                    if (t == ConfChangeType.CONF_ADD_LEARNER && !c.nodes.containsKey(a[2])) {
                        c.add(a[2], dev.golt.proto.ConfState.getDefaultInstance(), 42);
                    }
                    try {
                        out.add("index " + c.raft(a[1]).proposeConfChange(
                                ConfChange.newBuilder().setType(t).setNodeId(a[2]).build()));
                    } catch (ProposalDroppedException e) {
                        out.add("dropped: " + e.getMessage());
                    }
                }
                case "read" -> {
                    try {
                        c.raft(a[1]).readIndex(a[2].getBytes(StandardCharsets.UTF_8));
                    } catch (ProposalDroppedException e) {
                        out.add("dropped: " + e.getMessage());
                    }
                }
                case "read-states" -> {
                    for (ReadState rs : c.node(a[1]).readStates) {
                        out.add(new String(rs.context(), StandardCharsets.UTF_8) + " at " + rs.index());
                    }
                    c.node(a[1]).readStates.clear();
                }
                case "status" -> {
                    for (String id : Arrays.copyOfRange(a, 1, a.length)) {
                        RawNode r = c.raft(id);
                        if (r == null) {
                            out.add(id + ": down");
                            continue;
                        }
                        RaftStatus s = r.status();
                        out.add(id + ": " + s.role() + " term=" + s.term() + " lead=" + s.leader() + " commit="
                                + s.commitIndex() + " last=" + s.lastIndex() + " voters=" + s.confState().getVotersList()
                                + " learners=" + s.confState().getLearnersList());
                    }
                }
                case "log" -> {
                    MemoryStorage st = c.node(a[1]).storage;
                    StringBuilder sb = new StringBuilder(a[1] + ":");
                    for (Entry e : st.entries(st.firstIndex(), st.lastIndex() + 1, Long.MAX_VALUE)) {
                        sb.append(' ').append(e.getIndex()).append('/').append(e.getTerm()).append(' ').append(describe(e));
                    }
                    out.add(sb.toString());
                }
                default -> throw new IllegalArgumentException("unknown command " + line);
            }
            return String.join("\n", out);
        }
    }

    static String describe(Entry e) {
        if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
            ConfChange cc = ConfChanges.decode(e);
            return cc.getType().name().substring(5).toLowerCase() + (cc.getNodeId().isEmpty() ? "" : ":" + cc.getNodeId());
        }
        return e.getData().isEmpty() ? "noop" : e.getData().toStringUtf8();
    }

    static String describe(List<Entry> entries) {
        StringBuilder sb = new StringBuilder("[");
        for (Entry e : entries) {
            sb.append(sb.length() > 1 ? "," : "").append(e.getIndex()).append('/').append(e.getTerm()).append(' ').append(describe(e));
        }
        return sb.append(']').toString();
    }

    static String format(Message m) {
        StringBuilder sb = new StringBuilder(m.getFrom() + "->" + m.getTo() + " " + m.getType().name().substring(4) + " t" + m.getTerm());
        switch (m.getType()) {
            case MSG_APP -> {
                sb.append(" prev=").append(m.getIndex()).append('/').append(m.getLogTerm()).append(" commit=").append(m.getCommit());
                if (m.getEntriesCount() > 0) {
                    sb.append(" [");
                    for (Entry e : m.getEntriesList()) {
                        sb.append(e.getIndex()).append('/').append(e.getTerm()).append(' ').append(describe(e)).append(',');
                    }
                    sb.setLength(sb.length() - 1);
                    sb.append(']');
                }
            }
            case MSG_APP_RESP -> sb.append(m.getReject() ? " reject=" + m.getIndex() + " hint=" + m.getRejectHint() + "/" + m.getHintTerm()
                    : " match=" + m.getIndex());
            case MSG_VOTE, MSG_PRE_VOTE -> sb.append(" last=").append(m.getIndex()).append('/').append(m.getLogTerm())
                    .append(m.getContext().isEmpty() ? "" : " transfer");
            case MSG_VOTE_RESP, MSG_PRE_VOTE_RESP -> sb.append(m.getReject() ? " rejected" : " granted");
            case MSG_HEARTBEAT -> sb.append(" commit=").append(m.getCommit());
            case MSG_READ_INDEX_RESP -> sb.append(" index=").append(m.getIndex());
            case MSG_SNAP -> sb.append(" snap=").append(m.getSnapshot().getIndex()).append('/').append(m.getSnapshot().getTerm());
            default -> { }
        }
        return sb.toString();
    }
}
