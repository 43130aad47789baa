package dev.golt.raft.sim;

import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.EntryType;
import dev.golt.proto.Message;
import dev.golt.proto.MessageType;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.raft.ConfChanges;
import dev.golt.raft.MemoryStorage;
import dev.golt.raft.ProposalDroppedException;
import dev.golt.raft.RaftConfig;
import dev.golt.raft.RawNode;
import dev.golt.raft.ReadState;
import dev.golt.raft.Ready;
import dev.golt.raft.ReadySchedule;
import dev.golt.raft.Role;
import dev.golt.raft.linearizability.History;
import dev.golt.raft.linearizability.LinearizabilityChecker;
import dev.golt.raft.linearizability.Operation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One deterministic run of a simulated Golt cluster: N {@link RawNode}s with in-memory storage, a
 * network that delays, drops, duplicates and reorders messages and can be partitioned (also in one
 * direction only), crashes that lose everything not yet persisted, restarts, leadership transfers,
 * membership changes, snapshots with compaction, clients that write and read, and a scripted Figure 8
 * schedule in one seed of three ({@link #figure8Tick()}). Nodes tick at different rates and pause
 * ({@link SimClock}), crash between the steps of a Ready (run in production's {@link ReadySchedule},
 * after etcd-io/raft's Ready contract), and keep or lose their state machine's latest applies in a
 * crash; a stale-leader script runs in another seed of three ({@link #staleLeaderTick()}). Everything
 * is derived from the seed, so a failing seed replays exactly.
 */
public final class Simulation {

    /** Fault mix and shape of one run, all derived from the seed. */
    public record Options(int nodes, int chaosTicks, int quietTicks, double drop, double duplicate, int maxDelay,
                          double crash, double partition, double transfer, double confChange, double snapshot,
                          double clientRate, int clients, int keys, int maxMsgEntries, int maxInflight,
                          double figure8, double skew, double pause, double heal, double staleLeader) {

        public static Options forSeed(long seed) {
            Random r = new Random(seed * 0x9E3779B97F4A7C15L + 7);
            int[] sizes = {3, 5, 7};
            // One seed in three is a storm: frequent crashes and short partitions, which is what it
            // takes to reach the rare interleavings (Figure 8) before the cluster settles.
            double f = Math.floorMod(seed, 3L) == 1 ? 3 : 1;
            return new Options(sizes[(int) Math.floorMod(seed / 3, 3L)], 400, 150,
                    r.nextDouble() * 0.15, r.nextDouble() * 0.05, 1 + r.nextInt(4),
                    f * r.nextDouble() * 0.02, f * r.nextDouble() * 0.03, r.nextDouble() * 0.01,
                    r.nextDouble() * 0.02, r.nextDouble() * 0.03,
                    0.2 + r.nextDouble() * 0.5, 2 + r.nextInt(4), 1 + r.nextInt(3), 1 + r.nextInt(8), 1 + r.nextInt(4),
                    // One seed in three also runs the Figure 8 script (see figure8Tick) now and then.
                    Math.floorMod(seed, 3L) == 2 ? 0.02 : 0,
                    // Three seeds in four tick nodes at rates up to 80% off one tick per step (SimClock); pauses per node and step.
                    r.nextInt(4) == 0 ? 0 : r.nextDouble() * 0.8, r.nextDouble() * 0.004,
                    // Some partitions outlast several election timeouts.
                    0.02 + r.nextDouble() * 0.08,
                    // One seed in three also runs the stale-leader script (see staleLeaderTick) now and then.
                    Math.floorMod(seed, 3L) == 0 ? 0.01 : 0);
        }

        /** The same run with every clock at one rate and no pauses: the simulator as it was before clock faults. */
        public Options withoutClockFaults() {
            return new Options(nodes, chaosTicks, quietTicks, drop, duplicate, maxDelay, crash, partition, transfer,
                    confChange, snapshot, clientRate, clients, keys, maxMsgEntries, maxInflight, figure8, 0, 0, heal, 0);
        }
    }

    /** A failed run: which seed, which property, and what happened last. */
    public static final class Failure extends RuntimeException {
        public final long seed;
        public final String invariant;

        Failure(long seed, Plant plant, String invariant, String detail, List<String> trace, Throwable cause) {
            super("seed " + seed + " violated " + invariant + ": " + detail
                    + "\nreplay: ./mvnw -B -pl node/raft -am test -Dtest=SimulationTest -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=" + seed
                    + (plant == Plant.NONE ? "" : " -Dsim.plant=" + plant)
                    + "\nlast events:\n  " + String.join("\n  ", trace), cause);
            this.seed = seed;
            this.invariant = invariant;
        }
    }

    private record SnapshotData(SnapshotMetadata meta, Map<String, String> kv) {}

    private record Envelope(Message msg, long deliverAt, long seq, SnapshotData snapshot) {}

    private record PendingWrite(Operation op, String node, int incarnation, long deadline) {}

    private record PendingRead(Operation op, String node, int incarnation, long deadline, long[] index) {}

    private final class SimNode {
        final String id;
        final ConfState bootstrap;
        final MemoryStorage storage = new MemoryStorage();
        RawNode raft;
        int incarnation;
        long restartAt = -1;
        Map<String, String> kv = new TreeMap<>();
        long applied;
        SnapshotData snapshot;
        final Map<Long, SnapshotData> incoming = new HashMap<>();
        long commitChecked;
        boolean wasLeader;
        boolean stateMachineSurvives;
        final SimClock clock;

        SimNode(String id, ConfState bootstrap) {
            this.id = id;
            this.bootstrap = bootstrap;
            this.clock = new SimClock(seed, id, options.skew());
        }

        boolean up() {
            return raft != null;
        }

        void start() {
            incarnation++;
            RaftConfig c = new RaftConfig(id, 10, 20, 2, 4096, options.maxMsgEntries(), options.maxInflight(),
                    true, true, seed * 31 + id.hashCode() * 17L + incarnation);
            raft = new RawNode(c, storage, bootstrap);
            if (stateMachineSurvives) {
                long durableEnd = Math.max(storage.lastIndex(), storage.snapshotMetadata().getIndex());
                if (applied > durableEnd) {
                    // A snapshot at the applied index would need a term this log does not hold.
                    throw new Invariants.Violation("Applied Entries Are Durable", id + " restarts with its state machine at "
                            + applied + " but its durable log ends at " + durableEnd);
                }
            } else {
                kv = snapshot == null ? new TreeMap<>() : new TreeMap<>(snapshot.kv());
                applied = storage.firstIndex() - 1;
            }
            incoming.clear();
        }
    }

    private final long seed;
    private final Options options;
    private final Random rnd;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final List<String> spareIds = new ArrayList<>();
    private final PriorityQueue<Envelope> network = new PriorityQueue<>(
            (a, b) -> a.deliverAt() != b.deliverAt() ? Long.compare(a.deliverAt(), b.deliverAt()) : Long.compare(a.seq(), b.seq()));
    private final Set<String> cut = new HashSet<>();
    private final Invariants invariants = new Invariants();
    private final History history = new History();
    private final Map<Long, PendingWrite> writes = new HashMap<>();
    private final Map<String, PendingRead> reads = new HashMap<>();
    private final Map<Integer, Long> clientBusy = new HashMap<>();
    /** The last events, as strings or (formatted only on failure) messages. */
    private final ArrayDeque<Object[]> trace = new ArrayDeque<>();
    private long now;
    private long seq;
    private long nextOp = 1;
    private long nextValue = 1;
    private boolean chaos = true;
    private long livenessDone = -1;
    private long committedWrites;

    public Simulation(long seed, Options options) {
        this.seed = seed;
        this.options = options;
        this.rnd = new Random(seed);
    }

    public Simulation(long seed) {
        this(seed, Options.forSeed(seed));
    }

    /** Runs the whole scenario; throws {@link Failure} on any violated property. */
    public Summary run() {
        try {
            runUnchecked();
        } catch (Invariants.Violation v) {
            throw new Failure(seed, plant, v.invariant, v.getMessage(), formatTrace(), v);
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw new Failure(seed, plant, "no exception in the core", e.toString(), formatTrace(), e);
        }
        return new Summary(seed, options.nodes(), committedWrites, invariants.maxCommitted(), history.operations().size(), counts,
                fingerprint);
    }

    /**
     * What one run exercised; {@code counts} is keyed by event (elections, snapshotsInstalled, ...);
     * {@code fingerprint} digests every event and delivered message when {@link #fingerprinting()} is on.
     */
    public record Summary(long seed, int nodes, long writes, long committed, long operations, Map<String, Long> counts,
                          long fingerprint) {}

    /** Bugs planted on purpose, to show that seeds catch them; never in production code. */
    public enum Plant {
        NONE,
        /** Committed entries applied before this Ready's entries are durable here. */
        APPLY_BEFORE_DURABLE,
        /** A leader answers every follower's ReadIndex at once, without confirming its leadership. */
        INSTANT_FOLLOWER_READS
    }

    private static final class ApplyBeforeDurable extends ReadySchedule {
        @Override
        protected int appliableBeforePersist(List<Entry> committed, List<Entry> appending) {
            return committed.size();
        }
    }

    private Plant plant = Plant.NONE;
    private ReadySchedule schedule = ReadySchedule.STANDARD;

    public Simulation planting(Plant plant) {
        this.plant = plant;
        this.schedule = plant == Plant.APPLY_BEFORE_DURABLE ? new ApplyBeforeDurable() : ReadySchedule.STANDARD;
        return this;
    }

    private boolean fingerprinting;
    private long fingerprint;

    /** Digests the whole run (costs a serialization per delivered message), to check replays are exact. */
    public Simulation fingerprinting() {
        fingerprinting = true;
        return this;
    }

    private final Map<String, Long> counts = new TreeMap<>();

    private void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    private void runUnchecked() {
        ConfState.Builder cs = ConfState.newBuilder();
        for (int i = 1; i <= options.nodes(); i++) {
            cs.addVoters("n" + i).putAddresses("n" + i, "10.0.0." + i + ":7000");
        }
        for (int i = 1; i <= options.nodes(); i++) {
            SimNode n = new SimNode("n" + i, cs.build());
            nodes.put(n.id, n);
            n.start();
        }
        for (int i = options.nodes() + 1; i <= options.nodes() + 3; i++) {
            spareIds.add("n" + i);
        }
        long end = options.chaosTicks() + options.quietTicks();
        for (now = 0; now < end; now++) {
            if (now == options.chaosTicks()) {
                heal();
            }
            if (chaos) {
                faults();
                pauses();
                figure8Tick();
                staleLeaderTick();
            }
            clients();
            for (SimNode n : nodes.values()) {
                for (int t = n.up() ? n.clock.ticks(now) : 0; t > 0; t--) {
                    n.raft.tick();
                }
            }
            for (int round = 0; round < 8; round++) {
                boolean moved = processAll();
                moved |= deliverDue();
                if (!moved) {
                    break;
                }
            }
            expire();
            if (nodes.values().stream().filter(n -> n.up() && n.raft.role() == Role.LEADER).count() > 1) {
                count("stepsWithTwoLeaders");
            }
        }
        if (livenessDone < 0) {
            throw new Invariants.Violation("Liveness", "no write committed within " + options.quietTicks()
                    + " ticks after faults healed");
        }
        String leader = leader();
        if (leader != null) {
            invariants.leaderComplete(leader, nodes.get(leader).raft.term(), nodes.get(leader).storage);
        }
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(history);
        if (!lin.linearizable()) {
            throw new Invariants.Violation("Linearizability", lin.toString());
        }
    }

    // ---- faults -------------------------------------------------------------------------------------

    private void faults() {
        List<SimNode> all = new ArrayList<>(nodes.values());
        if (fig8 != Fig8.IDLE || now < staleLeaderUntil) {
            // The scripts own crashes and partitions while they run; restarts still happen.
            restartDue(all);
            return;
        }
        if (rnd.nextDouble() < options.crash()) {
            long down = all.stream().filter(n -> !n.up()).count();
            // Half the crashes hit the leader: that is where the dangerous histories start.
            String leader = leader();
            SimNode n = leader != null && rnd.nextBoolean() ? nodes.get(leader) : all.get(rnd.nextInt(all.size()));
            if (n.up() && down < (options.nodes() - 1) / 2 + 1) {
                crash(n);
                n.restartAt = now + 3 + rnd.nextInt(options.crash() > 0.02 ? 15 : 40);
            }
        }
        restartDue(all);
        if (rnd.nextDouble() < options.partition()) {
            cut.clear();
            List<String> ids = new ArrayList<>(nodes.keySet());
            Collections.shuffle(ids, rnd);
            String leader = leader();
            if (leader != null && rnd.nextBoolean()) {
                // Half the partitions cut the leader off with a minority: the deposed-leader histories.
                ids.remove(leader);
                ids.add(0, leader);
            }
            if (rnd.nextBoolean()) {
                int k = 1 + rnd.nextInt(Math.max(1, ids.size() / 2));
                Set<String> side = new HashSet<>(ids.subList(0, k));
                for (String a : ids) {
                    for (String b : ids) {
                        if (side.contains(a) != side.contains(b)) {
                            cut.add(a + ">" + b);
                        }
                    }
                }
                note("partition " + side + " | rest");
            } else {
                int links = 1 + rnd.nextInt(ids.size());
                for (int i = 0; i < links; i++) {
                    String a = ids.get(rnd.nextInt(ids.size()));
                    String b = ids.get(rnd.nextInt(ids.size()));
                    cut.add(a + ">" + b);
                }
                note("one-way cuts " + cut);
            }
        } else if (!cut.isEmpty() && rnd.nextDouble() < options.heal()) {
            cut.clear();
            note("partition healed");
        }
        String leader = leader();
        if (leader == null || nodes.get(leader).clock.paused(now)) {
            return;
        }
        RawNode l = nodes.get(leader).raft;
        if (rnd.nextDouble() < options.transfer()) {
            List<String> voters = new ArrayList<>(l.status().confState().getVotersList());
            String to = rnd.nextInt(4) == 0 ? "" : voters.get(rnd.nextInt(voters.size()));
            note(leader + " transfers leadership to " + (to.isEmpty() ? "most up-to-date" : to));
            l.transferLeadership(to);
        }
        if (rnd.nextDouble() < options.confChange()) {
            changeMembership(leader, l);
        }
        if (rnd.nextDouble() < options.snapshot()) {
            SimNode n = all.get(rnd.nextInt(all.size()));
            if (n.up() && !n.clock.paused(now)) {
                snapshot(n);
            }
        }
    }

    /** GC pauses and SIGSTOPs: longer than an election timeout now and then, so others move on meanwhile. */
    private void pauses() {
        if (fig8 != Fig8.IDLE) {
            return;
        }
        String leader = leader();
        for (SimNode n : nodes.values()) {
            // A leader pauses more often than the others: a stale leader is where stale reads come from.
            double p = n.id.equals(leader) ? options.pause() * 5 : options.pause();
            if (n.up() && !n.clock.paused(now) && rnd.nextDouble() < p) {
                long steps = 5 + rnd.nextInt(50);
                n.clock.pause(now, steps);
                count("pauses");
                note(n.id + " paused for " + steps + " steps (" + n.raft.role() + ", clock rate " + n.clock.rate() + ")");
            }
        }
    }

    private long staleLeaderUntil = -1;
    private String staleLeader;
    private String staleFollower;

    /**
     * The stale-leader schedule: the leader's timer starves (it ticks at a fifth of its rate) just as
     * it and one follower are cut off from the rest. The majority elects a successor and commits
     * writes long before the old leader's check-quorum notices; meanwhile it still answers its
     * follower. Only ReadIndex's quorum round keeps that follower's reads linearizable here.
     */
    private void staleLeaderTick() {
        if (now == staleLeaderUntil) {
            cut.clear();
            note("stale leader: partition healed");
        }
        String leader = leader();
        if (now < staleLeaderUntil || fig8 != Fig8.IDLE || leader == null || nodes.get(leader).clock.paused(now)
                || rnd.nextDouble() >= options.staleLeader()) {
            return;
        }
        List<String> voters = new ArrayList<>(nodes.get(leader).raft.status().confState().getVotersList());
        voters.remove(leader);
        if (voters.size() < 4) {
            return;
        }
        String follower = voters.get(rnd.nextInt(voters.size()));
        cut.clear();
        for (String a : nodes.keySet()) {
            for (String b : nodes.keySet()) {
                boolean aSide = a.equals(leader) || a.equals(follower);
                boolean bSide = b.equals(leader) || b.equals(follower);
                if (aSide != bSide) {
                    cut.add(a + ">" + b);
                }
            }
        }
        staleLeaderUntil = now + 60;
        staleLeader = leader;
        staleFollower = follower;
        nodes.get(leader).clock.slowDown(now, 60);
        count("staleLeaderScripts");
        note("stale leader: " + leader + " ticks slowly, cut off with " + follower);
    }

    private void restartDue(List<SimNode> all) {
        for (SimNode n : all) {
            if (!n.up() && n.restartAt >= 0 && now >= n.restartAt) {
                n.start();
                note(n.id + " restarted " + n.raft);
            }
        }
    }

    // ---- the Figure 8 script ------------------------------------------------------------------------

    private enum Fig8 { IDLE, OLD_TAIL, STALE_LEADER, ARMED }

    private Fig8 fig8 = Fig8.IDLE;
    private String fig8Old;
    private String fig8Stale;
    private String fig8Armed;
    private long fig8Term;
    private long fig8Since;

    /**
     * Raft Figure 8 as a fault schedule. A leader is cut off right after a burst of client writes, so
     * it holds an uncommitted tail of its term. The others elect a leader that is itself cut off at
     * once, leaving its own, conflicting entry at the same index under a higher term. The first
     * leader rejoins and wins again; it re-replicates its old tail and crashes the moment its commit
     * index moves, while the second leader rejoins. A core that commits the old tail by counting
     * replicas (before an entry of its own term is on a majority) loses a committed entry here.
     */
    private void figure8Tick() {
        if (fig8 == Fig8.IDLE) {
            String leader = leader();
            if (leader == null || rnd.nextDouble() >= options.figure8()) {
                return;
            }
            SimNode l = nodes.get(leader);
            cut.clear();
            isolate(leader);
            fig8Old = leader;
            fig8Term = l.raft.term();
            fig8 = Fig8.OLD_TAIL;
            fig8Since = now;
            note("figure 8: leader " + leader + " isolated after a burst of writes");
            // At least as many writes as one append carries (maxMsgEntries <= 8): when this leader
            // re-replicates its tail later, the first batch holds old-term entries only.
            for (int c = 100; c < 108; c++) {
                if (!clientBusy.containsKey(c)) {
                    // A key of its own: many writes of unknown outcome on one key would make the
                    // linearizability check explode, and only the log entries matter here.
                    write(c, l, "burst" + nextOp, 7);
                }
            }
        } else if (now - fig8Since > 120) {
            note("figure 8: script abandoned in " + fig8);
            cut.clear();
            fig8 = Fig8.IDLE;
        }
    }

    private void figure8LeaderElected(SimNode n) {
        if (fig8 == Fig8.OLD_TAIL && !n.id.equals(fig8Old) && n.raft.term() > fig8Term) {
            cut.clear();
            isolate(n.id);
            fig8Stale = n.id;
            fig8 = Fig8.STALE_LEADER;
            note("figure 8: new leader " + n.id + " isolated, " + fig8Old + " rejoins");
        } else if (fig8 == Fig8.STALE_LEADER && !n.id.equals(fig8Stale)) {
            fig8Armed = n.id;
            fig8Term = n.raft.term();
            fig8 = Fig8.ARMED;
        }
    }

    /** Whether the script's third leader is about to persist its first commit advance. */
    private boolean figure8Crash(SimNode n, Ready rd) {
        return fig8 == Fig8.ARMED && n.id.equals(fig8Armed) && n.raft.term() == fig8Term
                && n.raft.role() == Role.LEADER && rd.hardState() != null
                && rd.hardState().getCommit() > n.commitChecked;
    }

    private void isolate(String id) {
        for (String other : nodes.keySet()) {
            if (!other.equals(id)) {
                cut.add(id + ">" + other);
                cut.add(other + ">" + id);
            }
        }
    }

    private void changeMembership(String leader, RawNode l) {
        ConfState cs = l.status().confState();
        ConfChange cc;
        int pick = rnd.nextInt(3);
        if (pick == 0 && !spareIds.isEmpty()) {
            String id = spareIds.remove(0);
            SimNode n = new SimNode(id, ConfState.getDefaultInstance());
            nodes.put(id, n);
            n.start();
            cc = ConfChange.newBuilder().setType(ConfChangeType.CONF_ADD_LEARNER).setNodeId(id).setAddress(id + ":7000").build();
        } else if (pick == 1 && cs.getLearnersCount() > 0) {
            cc = ConfChange.newBuilder().setType(ConfChangeType.CONF_PROMOTE_LEARNER)
                    .setNodeId(cs.getLearners(rnd.nextInt(cs.getLearnersCount()))).build();
        } else {
            List<String> members = new ArrayList<>(cs.getVotersList());
            members.addAll(cs.getLearnersList());
            String id = members.get(rnd.nextInt(members.size()));
            if (cs.getVotersList().contains(id) && cs.getVotersCount() <= 3) {
                return;
            }
            cc = ConfChange.newBuilder().setType(ConfChangeType.CONF_REMOVE_NODE).setNodeId(id).build();
        }
        try {
            long idx = l.proposeConfChange(cc);
            note(leader + " proposed " + cc.getType() + " " + cc.getNodeId() + " at " + idx);
        } catch (ProposalDroppedException e) {
            note(leader + " refused " + cc.getType() + " " + cc.getNodeId() + ": " + e.getMessage());
        }
    }

    private void snapshot(SimNode n) {
        long index = n.applied;
        if (index <= n.storage.snapshotMetadata().getIndex() || index < n.storage.firstIndex()) {
            return;
        }
        SnapshotMetadata meta = SnapshotMetadata.newBuilder().setIndex(index).setTerm(n.storage.term(index))
                .setConfState(appliedConf(n, index)).build();
        n.storage.createSnapshot(meta);
        n.snapshot = new SnapshotData(meta, new TreeMap<>(n.kv));
        long upTo = Math.max(n.storage.firstIndex() - 1, index - rnd.nextInt(4));
        n.storage.compact(upTo);
        count("compactions");
        note(n.id + " snapshot at " + index + ", compacted to " + upTo);
    }

    /** Membership as of {@code index}: the previous snapshot's plus the conf changes up to index. */
    private ConfState appliedConf(SimNode n, long index) {
        ConfState cs = n.snapshot != null ? n.snapshot.meta().getConfState() : ConfState.getDefaultInstance();
        // Compaction never goes past the node's own snapshot, so the entries after it are all there.
        long from = n.snapshot == null ? n.storage.firstIndex() : n.snapshot.meta().getIndex() + 1;
        for (Entry e : n.storage.entries(from, index + 1, Long.MAX_VALUE)) {
            if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                cs = ConfChanges.apply(cs, ConfChanges.decode(e));
            }
        }
        return cs;
    }

    /**
     * Faults at the moments that matter: a new leader cut off before its first entry spreads, a
     * leader crashing right after its commit index moved (the ingredients of Figure 8).
     */
    private void adversary(SimNode n, Ready rd, boolean becameLeader) {
        if (!chaos || options.crash() <= 0.02 || fig8 != Fig8.IDLE) {
            return;
        }
        if (becameLeader && rnd.nextDouble() < 0.3) {
            for (String other : nodes.keySet()) {
                if (!other.equals(n.id)) {
                    cut.add(n.id + ">" + other);
                    cut.add(other + ">" + n.id);
                }
            }
            note("new leader " + n.id + " isolated");
        } else if (n.raft.role() == Role.LEADER && rd.hardState() != null && rnd.nextDouble() < 0.05) {
            crash(n);
            n.restartAt = now + 3 + rnd.nextInt(15);
        }
    }

    private void crash(SimNode n) {
        if (!n.clock.paused(now) && n.raft.hasReady()) {
            // Crash after sending what may go out before the fsync, but before the fsync.
            Ready rd = n.raft.ready();
            for (Message m : rd.messages()) {
                if (n.raft.mayBeSentBeforePersist(m)) {
                    send(m);
                }
            }
        }
        note(n.id + " crashed " + n.raft);
        count("crashes");
        crashed(n);
    }

    /**
     * The process dies and its memory with it. Whether the state machine's own store kept its latest
     * applies is a coin (an LSM whose WAL had or had not synced them); without them it restarts from
     * its snapshot and replays the log.
     */
    private void crashed(SimNode n) {
        n.raft = null;
        n.stateMachineSurvives = rnd.nextBoolean();
    }

    private void heal() {
        chaos = false;
        fig8 = Fig8.IDLE;
        staleLeaderUntil = -1;
        cut.clear();
        for (SimNode n : nodes.values()) {
            n.clock.resume();
            if (!n.up()) {
                n.start();
                note(n.id + " restarted for the quiet phase");
            }
        }
        note("faults healed");
    }

    // ---- clients ------------------------------------------------------------------------------------

    private void clients() {
        for (int c = 0; c < options.clients(); c++) {
            if (clientBusy.containsKey(c) || rnd.nextDouble() >= options.clientRate()) {
                continue;
            }
            // A paused node takes no requests (they would time out anyway).
            List<SimNode> up = nodes.values().stream().filter(n -> n.up() && !n.clock.paused(now)).toList();
            if (up.isEmpty()) {
                return;
            }
            SimNode target = up.get(rnd.nextInt(up.size()));
            String key = "k" + rnd.nextInt(options.keys());
            int kind = rnd.nextInt(20);
            // Writes go to any node that believes it leads, stale leaders included: that is how
            // uncommitted tails of old terms pile up. Reads go anywhere half the time, as through a
            // load balancer: that is how a follower of a stale leader gets asked.
            List<SimNode> leaders = up.stream().filter(n -> n.raft.role() == Role.LEADER).toList();
            if (!leaders.isEmpty() && rnd.nextInt(kind < 7 ? 2 : 3) > 0) {
                target = leaders.get(rnd.nextInt(leaders.size()));
            }
            if (kind >= 7 && now < staleLeaderUntil && (target.id.equals(staleLeader) || target.id.equals(staleFollower))) {
                // The writers sit on the majority's side of the stale-leader script's partition.
                continue;
            }
            if (kind < 7) {
                read(c, target, key);
            } else {
                write(c, target, key, kind);
            }
        }
        if (!chaos && livenessDone < 0 && leader() != null && !clientBusy.containsKey(-1)) {
            write(-1, nodes.get(leader()), "probe", 7);
        }
    }

    private void read(int client, SimNode n, String key) {
        String ctx = "read-" + nextOp++;
        try {
            n.raft.readIndex(ctx.getBytes(StandardCharsets.UTF_8));
        } catch (ProposalDroppedException e) {
            return;
        }
        Operation op = history.invoke(Operation.get(client, key));
        reads.put(ctx, new PendingRead(op, n.id, n.incarnation, now + 60, new long[] {-1}));
        clientBusy.put(client, now);
    }

    private void write(int client, SimNode n, String key, int kind) {
        long opId = nextOp++;
        String value = "v" + nextValue++;
        KvCommand cmd;
        Operation op;
        if (kind < 14) {
            cmd = new KvCommand(opId, 'P', key, value, null);
            op = Operation.put(client, key, value);
        } else if (kind < 16) {
            cmd = new KvCommand(opId, 'D', key, null, null);
            op = Operation.delete(client, key);
        } else {
            String expected = rnd.nextInt(3) == 0 ? null : "v" + Math.max(1, nextValue - 1 - rnd.nextInt(4));
            String newValue = rnd.nextInt(5) == 0 ? null : value;
            cmd = new KvCommand(opId, 'C', key, newValue, expected);
            op = Operation.cas(client, key, expected, newValue);
        }
        try {
            n.raft.propose(cmd.encode());
        } catch (ProposalDroppedException e) {
            return;
        }
        history.invoke(op);
        writes.put(opId, new PendingWrite(op, n.id, n.incarnation, now + 80));
        clientBusy.put(client, now);
    }

    private void expire() {
        for (Iterator<PendingWrite> it = writes.values().iterator(); it.hasNext(); ) {
            PendingWrite w = it.next();
            if (now >= w.deadline()) {
                it.remove();
                clientBusy.remove(w.op().client());
                history.unknown(w.op());
            }
        }
        for (Iterator<PendingRead> it = reads.values().iterator(); it.hasNext(); ) {
            PendingRead r = it.next();
            if (now >= r.deadline()) {
                it.remove();
                clientBusy.remove(r.op().client());
            }
        }
    }

    private void applyCommand(SimNode n, Entry e) {
        KvCommand cmd = KvCommand.decode(e.getData().toByteArray());
        boolean flag;
        switch (cmd.kind()) {
            case 'P' -> {
                n.kv.put(cmd.key(), cmd.value());
                flag = true;
            }
            case 'D' -> flag = n.kv.remove(cmd.key()) != null;
            default -> {
                flag = java.util.Objects.equals(n.kv.get(cmd.key()), cmd.expected());
                if (flag) {
                    if (cmd.value() == null) {
                        n.kv.remove(cmd.key());
                    } else {
                        n.kv.put(cmd.key(), cmd.value());
                    }
                }
            }
        }
        PendingWrite w = writes.get(cmd.opId());
        if (w != null && w.node().equals(n.id) && w.incarnation() == n.incarnation) {
            writes.remove(cmd.opId());
            clientBusy.remove(w.op().client());
            committedWrites++;
            switch (cmd.kind()) {
                case 'P' -> history.putOk(w.op());
                case 'D' -> history.deleteOk(w.op(), flag);
                default -> history.casOk(w.op(), flag);
            }
            if (w.op().client() == -1 && livenessDone < 0) {
                livenessDone = now;
            }
        }
    }

    private void serveReads(SimNode n) {
        for (Iterator<PendingRead> it = reads.values().iterator(); it.hasNext(); ) {
            PendingRead r = it.next();
            if (r.node().equals(n.id) && r.incarnation() == n.incarnation && r.index()[0] >= 0 && n.applied >= r.index()[0]) {
                it.remove();
                clientBusy.remove(r.op().client());
                history.getOk(r.op(), n.kv.get(r.op().key()));
                count(r.node().equals(leader()) ? "readsOnLeader" : "readsOnFollower");
            }
        }
    }

    // ---- Ready processing and network ---------------------------------------------------------------

    private boolean processAll() {
        boolean moved = false;
        List<SimNode> order = new ArrayList<>(nodes.values());
        Collections.shuffle(order, rnd);
        for (SimNode n : order) {
            while (n.up() && !n.clock.paused(now) && n.raft.hasReady()) {
                moved = true;
                handleReady(n, n.raft.ready());
            }
        }
        return moved;
    }

    private void handleReady(SimNode n, Ready rd) {
        RawNode raft = n.raft;
        boolean scripted = chaos && figure8Crash(n, rd);
        if (scripted || (chaos && fig8 == Fig8.IDLE && options.crash() > 0.02 && raft.role() == Role.LEADER
                && rd.hardState() != null && rd.hardState().getCommit() > n.commitChecked && rnd.nextDouble() < 0.1)) {
            // The leader persists its new commit index and dies before sending anything.
            n.storage.append(rd.entries());
            invariants.appendedEntries(n.id, n.storage, rd.entries());
            n.storage.setHardState(rd.hardState());
            recordCommits(n, rd.hardState().getTerm(), rd.hardState().getCommit());
            note(n.id + " crashed after persisting commit " + rd.hardState().getCommit() + ", before sending");
            count("crashes");
            crashed(n);
            n.restartAt = now + 3 + rnd.nextInt(15);
            if (scripted) {
                // Down long enough for the cut-off leader of the middle term to rejoin and run.
                n.restartAt += 40;
                cut.clear();
                fig8 = Fig8.IDLE;
                count("figure8Crashes");
                note("figure 8: " + fig8Stale + " rejoins");
            }
            return;
        }
        boolean becameLeader = rd.softState() != null && rd.softState().role() == Role.LEADER;
        if (rd.softState() != null) {
            note(n.id + " is " + rd.softState().role() + " (leader " + rd.softState().leader() + ") term "
                    + raft.term());
        }
        // Now and then a crash at a step boundary of the Ready, where applying and persisting overlap.
        int crashAt = chaos && fig8 == Fig8.IDLE && !rd.entries().isEmpty() && !rd.committedEntries().isEmpty()
                && rnd.nextDouble() < options.crash() * 3 ? 1 + rnd.nextInt(6) : 0;
        ReadySteps steps = new ReadySteps(n, rd, crashAt);
        try {
            schedule.handle(rd, raft, steps, steps, steps);
        } catch (CrashedMidReady c) {
            note(n.id + " crashed at step " + crashAt + " of its Ready " + raft);
            count("crashesMidReady");
            crashed(n);
            n.restartAt = now + 3 + rnd.nextInt(15);
            return;
        }
        if (becameLeader) {
            count("elections");
            long term = raft.term();
            invariants.leaderElected(n.id, term);
            invariants.leaderComplete(n.id, term, n.storage);
            if (chaos) {
                figure8LeaderElected(n);
            }
        }
        if (rd.softState() != null) {
            n.wasLeader = rd.softState().role() == Role.LEADER;
        }
        serveReads(n);
        adversary(n, rd, becameLeader);
    }

    private static final class CrashedMidReady extends RuntimeException {
        CrashedMidReady() {
            super(null, null, false, false);
        }
    }

    /** One Ready's steps on one simulated node; throws {@link CrashedMidReady} before step {@code crashAt} (1-based; 0: never). */
    private final class ReadySteps implements ReadySchedule.Storage, ReadySchedule.Transport, ReadySchedule.Applier {
        private final SimNode n;
        private final Ready rd;
        private final int crashAt;
        private int step;

        ReadySteps(SimNode n, Ready rd, int crashAt) {
            this.n = n;
            this.rd = rd;
            this.crashAt = crashAt;
        }

        private void next() {
            if (++step == crashAt) {
                throw new CrashedMidReady();
            }
        }

        @Override
        public void installSnapshot(SnapshotMetadata meta) {
            next();
            SnapshotData data = n.incoming.remove(meta.getIndex());
            if (data == null) {
                throw new IllegalStateException(n.id + " got a snapshot Ready without its data");
            }
            invariants.snapshotInstalled(n.id, n.raft.term(), meta);
            n.storage.applySnapshot(meta);
            n.snapshot = data;
            n.kv = new TreeMap<>(data.kv());
            n.applied = meta.getIndex();
            n.commitChecked = Math.max(n.commitChecked, n.applied);
            count("snapshotsInstalled");
            note(n.id + " installed snapshot " + meta.getIndex() + "/" + meta.getTerm());
        }

        @Override
        public void append(List<Entry> entries) {
            next();
            n.storage.append(entries);
            invariants.appendedEntries(n.id, n.storage, entries);
        }

        @Override
        public void saveHardState(HardState hs) {
            next();
            n.storage.setHardState(hs);
            recordCommits(n, hs.getTerm(), hs.getCommit());
        }

        @Override
        public void sync() {
            // The simulated storage is durable as soon as it is written.
        }

        @Override
        public void send(Message m) {
            next();
            Simulation.this.send(m);
        }

        @Override
        public void apply(List<Entry> committed) {
            next();
            for (Entry e : committed) {
                applyEntry(n, rd, e);
            }
        }

        @Override
        public void readStates(List<ReadState> readStates) {
            for (ReadState rs : readStates) {
                PendingRead r = reads.get(new String(rs.context(), StandardCharsets.UTF_8));
                if (r != null && r.node().equals(n.id) && r.incarnation() == n.incarnation) {
                    r.index()[0] = rs.index();
                }
            }
        }
    }

    private void applyEntry(SimNode n, Ready rd, Entry e) {
        if (e.getIndex() <= n.applied) {
            return;
        }
        if (e.getIndex() != n.applied + 1) {
            throw new Invariants.Violation("State Machine Safety", n.id + " applies " + e.getIndex() + " after " + n.applied);
        }
        invariants.committed(n.id, n.raft.term(), e, "applied");
        if (e.getType() == EntryType.ENTRY_NORMAL && !e.getData().isEmpty()) {
            applyCommand(n, e);
        } else if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
            ConfChange cc = ConfChanges.decode(e);
            if (cc.getType() == ConfChangeType.CONF_REMOVE_NODE && cc.getNodeId().equals(n.id)
                    && rd.softState() != null && n.wasLeader && rd.softState().role() != Role.LEADER) {
                count("leaderRemoved");
            }
            if (n.raft.leader().equals(n.id)) {
                count("confChangesApplied." + cc.getType());
            }
        }
        n.applied = e.getIndex();
    }

    private void recordCommits(SimNode n, long term, long commit) {
        for (long i = Math.max(n.commitChecked + 1, n.storage.firstIndex()); i <= commit; i++) {
            invariants.committed(n.id, term, n.storage.entries(i, i + 1, Long.MAX_VALUE).get(0), "committed");
        }
        n.commitChecked = Math.max(n.commitChecked, commit);
    }

    private void send(Message m) {
        SnapshotData snap = null;
        if (m.getType() == MessageType.MSG_SNAP) {
            snap = nodes.get(m.getFrom()).snapshot;
            if (snap == null || snap.meta().getIndex() != m.getSnapshot().getIndex()) {
                throw new IllegalStateException(m.getFrom() + " sent snapshot " + m.getSnapshot().getIndex()
                        + " it does not have");
            }
        }
        if (chaos && rnd.nextDouble() < options.drop()) {
            if (snap != null) {
                network.add(new Envelope(m, now + 1, seq++, null));
            }
            return;
        }
        int copies = chaos && rnd.nextDouble() < options.duplicate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = chaos ? (rnd.nextInt(3) == 0 ? rnd.nextInt(options.maxDelay() + 1) : 0) : 0;
            network.add(new Envelope(m, now + delay, seq++, snap));
        }
    }

    private boolean deliverDue() {
        boolean moved = false;
        List<Envelope> due = new ArrayList<>();
        while (!network.isEmpty() && network.peek().deliverAt() <= now) {
            due.add(network.poll());
        }
        for (Envelope env : due) {
            Message m = env.msg();
            SimNode to = nodes.get(m.getTo());
            if (to != null && to.up() && to.clock.paused(now)) {
                // Waits in the paused process's socket buffer.
                network.add(new Envelope(m, to.clock.pausedUntil(), seq++, env.snapshot()));
                continue;
            }
            boolean snapMsg = m.getType() == MessageType.MSG_SNAP;
            boolean ok = to != null && to.up() && !cut.contains(m.getFrom() + ">" + m.getTo())
                    && !(snapMsg && env.snapshot() == null);
            if (ok) {
                moved = true;
                noteMessage(m);
                if (m.getType() == MessageType.MSG_TIMEOUT_NOW) {
                    count("transfers");
                }
                if (snapMsg) {
                    to.incoming.put(m.getSnapshot().getIndex(), env.snapshot());
                }
                if (!(plant == Plant.INSTANT_FOLLOWER_READS && answeredAtOnce(to, m))) {
                    to.raft.step(m);
                }
            }
            if (snapMsg) {
                SimNode from = nodes.get(m.getFrom());
                if (from != null && from.up()) {
                    from.raft.reportSnapshot(m.getTo(), ok);
                }
            }
        }
        return moved;
    }

    /** The planted shortcut: a leader answers a follower's read with its commit index, asking no one. */
    private boolean answeredAtOnce(SimNode leader, Message m) {
        RawNode r = leader.raft;
        if (m.getType() != MessageType.MSG_READ_INDEX || r.role() != Role.LEADER || m.getTerm() != r.term()
                || m.getFrom().equals(leader.id)) {
            return false;
        }
        long commit = r.status().commitIndex();
        if (commit < leader.storage.firstIndex() || commit > leader.storage.lastIndex()
                || leader.storage.term(commit) != r.term()) {
            return false;
        }
        count("instantFollowerReads");
        if (!leader.id.equals(leader())) {
            count("instantFollowerReadsByStaleLeader");
        }
        send(Message.newBuilder().setType(MessageType.MSG_READ_INDEX_RESP).setFrom(leader.id).setTo(m.getFrom())
                .setTerm(r.term()).setIndex(commit).setContext(m.getContext()).build());
        return true;
    }

    private String leader() {
        String leader = null;
        long best = -1;
        for (SimNode n : nodes.values()) {
            if (n.up() && n.raft.role() == Role.LEADER && n.raft.term() > best) {
                leader = n.id;
                best = n.raft.term();
            }
        }
        return leader;
    }

    private List<String> formatTrace() {
        List<String> out = new ArrayList<>();
        for (Object[] e : trace) {
            out.add("t=" + e[0] + " " + (e[1] instanceof Message m ? format(m) : e[1]));
        }
        return out;
    }

    private void noteMessage(Message m) {
        remember(m);
    }

    private static String format(Message m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.getFrom()).append("->").append(m.getTo()).append(' ').append(m.getType().name().substring(4))
                .append(" t").append(m.getTerm());
        switch (m.getType()) {
            case MSG_APP -> sb.append(" prev=").append(m.getIndex()).append('/').append(m.getLogTerm())
                    .append(" n=").append(m.getEntriesCount()).append(" commit=").append(m.getCommit());
            case MSG_APP_RESP -> sb.append(m.getReject() ? " reject " + m.getIndex() + " hint=" + m.getRejectHint()
                    + "/" + m.getHintTerm() : " match=" + m.getIndex());
            case MSG_VOTE, MSG_PRE_VOTE -> sb.append(" last=").append(m.getIndex()).append('/').append(m.getLogTerm());
            case MSG_VOTE_RESP, MSG_PRE_VOTE_RESP -> sb.append(m.getReject() ? " rejected" : " granted");
            case MSG_HEARTBEAT -> sb.append(" commit=").append(m.getCommit());
            case MSG_SNAP -> sb.append(" snap=").append(m.getSnapshot().getIndex()).append('/').append(m.getSnapshot().getTerm());
            default -> { }
        }
        return sb.toString();
    }

    private void note(String s) {
        remember(s);
    }

    private void remember(Object o) {
        if (fingerprinting) {
            // Serialized bytes, not Message.hashCode(): that one hashes the descriptor's identity.
            int h = o instanceof Message m ? m.toByteString().hashCode() : o.toString().hashCode();
            fingerprint = fingerprint * 1_000_003L + now * 31 + h;
        }
        if (trace.size() >= 100) {
            trace.removeFirst();
        }
        trace.addLast(new Object[] {now, o});
    }
}
