package dev.golt.storage.lsm;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the next compaction from a version, after leveldb's {@code VersionSet::PickCompaction}
 * (size-triggered compactions only; no seek-triggered ones). Pure: the same version, options and
 * pointers give the same answer, and nothing is read from disk.
 *
 * <ul>
 *   <li>Level 0 goes first once it has {@code l0CompactionTrigger} tables, because every level-0
 *       table is probed on every read. All of them move at once: their ranges may overlap, and
 *       moving only some would let an older version of a key overtake a newer one.</li>
 *   <li>Otherwise the level with the highest size/target score above 1 compacts one table: the
 *       first one starting after that level's compact pointer, wrapping around to the first, so
 *       that successive compactions sweep the level's key range instead of rewriting its head.</li>
 *   <li>The last level is never a source: there is no level below it.</li>
 * </ul>
 */
final class CompactionPicker {

    private final int l0Trigger;
    private final long levelBaseBytes;
    private final int levelMultiplier;

    CompactionPicker(int l0Trigger, long levelBaseBytes, int levelMultiplier) {
        this.l0Trigger = l0Trigger;
        this.levelBaseBytes = levelBaseBytes;
        this.levelMultiplier = levelMultiplier;
    }

    CompactionPicker(LsmOptions options) {
        this(options.l0CompactionTrigger(), options.levelBaseBytes(), options.levelMultiplier());
    }

    /** Target size of {@code level >= 1}: the base for level 1, times the multiplier per level deeper. */
    long levelTarget(int level) {
        long target = levelBaseBytes;
        for (int i = 1; i < level; i++) {
            target *= levelMultiplier;
        }
        return target;
    }

    /**
     * The compaction to run next in {@code v}, or null when every level is within its target.
     *
     * @param compactPointers per level, the largest key of the last table compacted out of it (or null)
     */
    Compaction pick(Version v, byte[][] compactPointers) {
        int level;
        List<FileMeta> inputs;
        if (v.level(0).size() >= l0Trigger) {
            level = 0;
            inputs = v.level(0);
        } else {
            level = mostOversizedLevel(v);
            if (level < 0) {
                return null;
            }
            inputs = List.of(firstAfter(v.level(level), compactPointers[level]));
        }
        KeyRange range = KeyRange.of(inputs);
        List<FileMeta> next = new ArrayList<>();
        for (FileMeta f : v.level(level + 1)) {
            if (f.overlaps(range.lo(), range.hi())) {
                next.add(f);
            }
        }
        range = range.extend(next);
        return new Compaction(level, inputs, next, !overlapsBelow(v, level + 2, range));
    }

    private int mostOversizedLevel(Version v) {
        int level = -1;
        double best = 1.0;
        for (int i = 1; i < Version.MAX_LEVELS - 1; i++) {
            double score = (double) v.levelBytes(i) / levelTarget(i);
            if (score > best) {
                best = score;
                level = i;
            }
        }
        return level;
    }

    private static FileMeta firstAfter(List<FileMeta> files, byte[] pointer) {
        if (pointer != null) {
            for (FileMeta f : files) {
                if (Coding.compare(f.smallest(), pointer) > 0) {
                    return f;
                }
            }
        }
        return files.get(0);
    }

    private static boolean overlapsBelow(Version v, int fromLevel, KeyRange range) {
        for (int level = fromLevel; level < Version.MAX_LEVELS; level++) {
            for (FileMeta f : v.level(level)) {
                if (f.overlaps(range.lo(), range.hi())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The smallest and largest key of a set of tables. */
    private record KeyRange(byte[] lo, byte[] hi) {

        static KeyRange of(List<FileMeta> files) {
            return new KeyRange(files.get(0).smallest(), files.get(0).largest()).extend(files);
        }

        KeyRange extend(List<FileMeta> files) {
            byte[] l = lo;
            byte[] h = hi;
            for (FileMeta f : files) {
                l = Coding.compare(f.smallest(), l) < 0 ? f.smallest() : l;
                h = Coding.compare(f.largest(), h) > 0 ? f.largest() : h;
            }
            return new KeyRange(l, h);
        }
    }
}
