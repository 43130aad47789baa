package dev.golt.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulation over many seeds. {@code -Dsim.seeds=N} runs N seeds (default
 * 2000), {@code -Dsim.seed=S} runs only seed S (to replay a failure), {@code -Dsim.first=F} shifts
 * the range, {@code -Dsim.plant=APPLY_BEFORE_DURABLE} (or another {@link Simulation.Plant}) runs
 * with a planted bug, to replay what {@link PlantedBugsTest} found, {@code -Dsim.clockFaults=false} ticks
 * every node at one rate with no pauses (the simulator before clock faults).
 */
class SimulationTest {

    @Test
    void raftPropertiesAndLinearizabilityHoldUnderFaults() {
        String one = System.getProperty("sim.seed");
        long first = Long.getLong("sim.first", 1);
        long count = Long.getLong("sim.seeds", 2000);
        LongStream seeds = one != null ? LongStream.of(Long.parseLong(one)) : LongStream.range(first, first + count);
        boolean clockFaults = !"false".equals(System.getProperty("sim.clockFaults"));
        Simulation.Plant plant = Simulation.Plant.valueOf(System.getProperty("sim.plant", "NONE"));
        List<Simulation.Failure> failures = new ArrayList<>();
        AtomicLong writes = new AtomicLong();
        AtomicLong runs = new AtomicLong();
        java.util.Map<String, Long> counts = new java.util.concurrent.ConcurrentSkipListMap<>();
        seeds.parallel().forEach(seed -> {
            try {
                Simulation.Options o = Simulation.Options.forSeed(seed);
                Simulation.Summary s = new Simulation(seed, clockFaults ? o : o.withoutClockFaults()).planting(plant).run();
                writes.addAndGet(s.writes());
                runs.incrementAndGet();
                s.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
            } catch (Simulation.Failure f) {
                synchronized (failures) {
                    failures.add(f);
                }
            }
        });
        if (!failures.isEmpty()) {
            failures.sort((a, b) -> Long.compare(a.seed, b.seed));
            StringBuilder sb = new StringBuilder(failures.size() + " failing seed(s): ");
            failures.forEach(f -> sb.append(f.seed).append(" (").append(f.invariant).append(") "));
            sb.append("\n\nfirst failure:\n").append(failures.get(0).getMessage());
            throw new AssertionError(sb.toString(), failures.get(0));
        }
        System.out.println("simulation: " + runs.get() + " seeds, " + writes.get() + " acknowledged writes, " + counts);
        assertThat(writes.get()).as("the clients got writes through").isPositive();
        if (one == null && count >= 200) {
            // The run must actually have exercised the dangerous paths, or passing proves little.
            assertThat(counts).containsKeys("elections", "crashes", "snapshotsInstalled", "compactions", "transfers",
                    "readsOnLeader", "readsOnFollower", "crashesMidReady", "pauses", "staleLeaderScripts", "stepsWithTwoLeaders", "leaderRemoved", "figure8Crashes",
                    "confChangesApplied.CONF_ADD_LEARNER", "confChangesApplied.CONF_PROMOTE_LEARNER",
                    "confChangesApplied.CONF_REMOVE_NODE");
        }
    }
}
