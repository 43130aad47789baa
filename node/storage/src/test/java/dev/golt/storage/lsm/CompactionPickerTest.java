package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compaction picker on hand-built versions: no files are opened, because picking is a pure
 * function of the levels' key ranges and sizes (tables are left null on purpose).
 */
class CompactionPickerTest {

    // L0 compacts at 4 tables; L1 targets 1000 bytes, L2 10000, L3 100000, ...
    private final CompactionPicker picker = new CompactionPicker(4, 1000, 10);
    private final byte[][] noPointers = new byte[Version.MAX_LEVELS][];
    private long nextNumber = 1;

    private FileMeta table(String smallest, String largest, long size) {
        return new FileMeta(nextNumber++, size, 1, bytes(smallest), bytes(largest), null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A version with the given tables per level; L0 newest first, deeper levels sorted. */
    @SafeVarargs
    private static Version version(List<FileMeta>... levels) {
        return new Version(Arrays.asList(levels));
    }

    private static List<Long> numbers(List<FileMeta> files) {
        return files.stream().map(FileMeta::number).toList();
    }

    @Test
    void nothingIsPickedWhileEveryLevelIsWithinItsTarget() {
        Version v = version(
                List.of(table("a", "c", 10), table("b", "d", 10), table("c", "e", 10)),
                List.of(table("a", "m", 1000)), // exactly at target is not over it
                List.of(table("a", "z", 9000)));
        assertThat(picker.pick(v, noPointers)).isNull();
    }

    @Test
    void levelZeroMovesWhollyOnceItReachesTheTriggerTakingOnlyTheLevelOneTablesItOverlaps() {
        FileMeta l1Before = table("0", "1", 100);
        FileMeta l1Inside = table("b", "c", 100);
        FileMeta l1After = table("x", "y", 100);
        List<FileMeta> l0 = List.of(table("d", "f", 10), table("a", "b", 10), table("e", "g", 10), table("c", "d", 10));
        Compaction c = picker.pick(version(l0, List.of(l1Before, l1Inside, l1After)), noPointers);

        assertThat(c.level()).isZero();
        assertThat(c.outputLevel()).isEqualTo(1);
        assertThat(numbers(c.inputs())).isEqualTo(numbers(l0));
        assertThat(numbers(c.next())).containsExactly(l1Inside.number());
        assertThat(c.dropTombstones()).isTrue();
    }

    @Test
    void levelZeroGoesFirstEvenWhenADeeperLevelIsFurtherOverItsTarget() {
        List<FileMeta> l0 = List.of(table("a", "b", 1), table("a", "b", 1), table("a", "b", 1), table("a", "b", 1));
        Compaction c = picker.pick(version(l0, List.of(table("m", "n", 50_000))), noPointers);
        assertThat(c.level()).isZero();
    }

    @Test
    void theLevelFurthestOverItsTargetIsPicked() {
        Version v = version(
                List.of(),
                List.of(table("a", "b", 1500)),   // score 1.5
                List.of(table("c", "d", 30_000)), // score 3.0
                List.of(table("e", "f", 200_000))); // score 2.0
        Compaction c = picker.pick(v, noPointers);
        assertThat(c.level()).isEqualTo(2);
        assertThat(c.inputs()).hasSize(1);
    }

    @Test
    void successiveCompactionsOfALevelSweepItsKeyRangeAndWrapAround() {
        FileMeta first = table("a", "c", 600);
        FileMeta second = table("d", "f", 600);
        FileMeta third = table("g", "i", 600);
        Version v = version(List.of(), List.of(first, second, third));
        byte[][] pointers = new byte[Version.MAX_LEVELS][];

        List<Long> picked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Compaction c = picker.pick(v, pointers);
            picked.add(c.inputs().get(0).number());
            pointers[c.level()] = c.nextPointer();
        }
        assertThat(picked).containsExactly(first.number(), second.number(), third.number(), first.number());
    }

    @Test
    void tombstonesAreKeptWhileADeeperLevelOverlapsTheMergedRange() {
        Version v = version(List.of(), List.of(table("a", "c", 2000)), List.of(), List.of(table("b", "b", 10)));
        assertThat(picker.pick(v, noPointers).dropTombstones()).isFalse();
    }

    @Test
    void theOverlappedTablesWidenTheRangeThatMustBeClearBelowBeforeTombstonesAreDropped() {
        // The L2 table pulled in reaches "q", so the L3 table at "p" can still hold shadowed keys.
        Version v = version(
                List.of(),
                List.of(table("a", "c", 2000)),
                List.of(table("b", "q", 10)),
                List.of(table("p", "p", 10)));
        Compaction c = picker.pick(v, noPointers);
        assertThat(c.next()).hasSize(1);
        assertThat(c.dropTombstones()).isFalse();
    }

    @Test
    void theLastLevelIsNeverCompactedBecauseNothingLiesBelowIt() {
        List<List<FileMeta>> levels = new ArrayList<>();
        for (int i = 0; i < Version.MAX_LEVELS - 1; i++) {
            levels.add(List.of());
        }
        levels.add(List.of(table("a", "z", Long.MAX_VALUE / 2)));
        assertThat(picker.pick(new Version(levels), noPointers)).isNull();
    }

    @Test
    void levelTargetsGrowByTheMultiplierFromLevelOne() {
        assertThat(picker.levelTarget(1)).isEqualTo(1000);
        assertThat(picker.levelTarget(2)).isEqualTo(10_000);
        assertThat(picker.levelTarget(4)).isEqualTo(1_000_000);
    }

    @Test
    void aCompactionDeletesItsInputsFromTheirLevelAndTheOverlappedTablesFromTheNext() {
        FileMeta in = table("a", "c", 2000);
        FileMeta over = table("b", "d", 10);
        Compaction c = picker.pick(version(List.of(), List.of(in), List.of(over)), noPointers);
        assertThat(c.deletions()).containsExactly(
                new VersionEdit.Deleted(1, in.number()), new VersionEdit.Deleted(2, over.number()));
        assertThat(numbers(c.obsoleteTables())).containsExactly(in.number(), over.number());
    }
}
