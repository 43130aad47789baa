package dev.golt.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The simulation earns its keep only if it fails when the code is wrong (the mutation-testing
 * habit; etcd-io/raft has no counterpart). Each test plants one known bug and requires a seed to
 * catch it with the property that bug breaks. {@code -Dsim.plantSeeds=N} widens the search.
 */
class PlantedBugsTest {

    private static final long SEEDS = Long.getLong("sim.plantSeeds", 150);

    @Test
    void applyingEntriesBeforeTheyAreDurableHereIsCaughtByASeed() {
        List<Simulation.Failure> failures = failures(seed -> new Simulation(seed).planting(Simulation.Plant.APPLY_BEFORE_DURABLE));
        assertThat(failures).as("seeds caught the planted apply-before-durable order").isNotEmpty();
        assertThat(failures.get(0).invariant).isEqualTo("Applied Entries Are Durable");
    }

    @Test
    void aLeaderAnsweringFollowerReadsWithoutAskingIsCaughtOnceClocksDrift() {
        List<Simulation.Failure> failures = failures(seed -> new Simulation(seed).planting(Simulation.Plant.INSTANT_FOLLOWER_READS));
        assertThat(failures).as("seeds caught the planted follower-read shortcut").isNotEmpty();
        assertThat(failures.get(0).invariant).isEqualTo("Linearizability");
    }

    private static List<Simulation.Failure> failures(LongFunction<Simulation> sim) {
        List<Simulation.Failure> failures = new ArrayList<>();
        LongStream.rangeClosed(1, SEEDS).parallel().forEach(seed -> {
            try {
                sim.apply(seed).run();
            } catch (Simulation.Failure f) {
                synchronized (failures) {
                    failures.add(f);
                }
            }
        });
        failures.sort((a, b) -> Long.compare(a.seed, b.seed));
        StringBuilder sb = new StringBuilder("planted bug: " + failures.size() + " of " + SEEDS + " seeds failed:");
        failures.forEach(f -> sb.append(' ').append(f.seed).append(" (").append(f.invariant).append(')'));
        System.out.println(sb);
        return failures;
    }
}
