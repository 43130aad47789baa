package dev.golt.storage.lsm;

import java.util.ArrayList;
import java.util.List;

/**
 * One compaction to run, as chosen by {@link CompactionPicker} (leveldb's {@code Compaction}):
 * {@code inputs} from {@code level} are merged with the {@code next} tables of {@code level + 1}
 * they overlap, and the result replaces both in {@code level + 1}.
 *
 * @param dropTombstones no deeper level overlaps the merged range, so a deletion has nothing left
 *                       to shadow and can be dropped instead of written
 */
record Compaction(int level, List<FileMeta> inputs, List<FileMeta> next, boolean dropTombstones) {

    Compaction {
        inputs = List.copyOf(inputs);
        next = List.copyOf(next);
    }

    int outputLevel() {
        return level + 1;
    }

    /** The inputs then the overlapped tables: the order in which a merge gives newer entries precedence. */
    List<KvIterator> iterators() {
        List<KvIterator> children = new ArrayList<>();
        for (FileMeta f : inputs) {
            children.add(f.table().compactionIterator()); // level 0 is newest first, so precedence is right
        }
        children.add(new LevelIterator(next, true));
        return children;
    }

    /** Every table this compaction makes obsolete, keyed by the level it leaves. */
    List<VersionEdit.Deleted> deletions() {
        List<VersionEdit.Deleted> deleted = new ArrayList<>();
        for (FileMeta f : inputs) {
            deleted.add(new VersionEdit.Deleted(level, f.number()));
        }
        for (FileMeta f : next) {
            deleted.add(new VersionEdit.Deleted(outputLevel(), f.number()));
        }
        return deleted;
    }

    List<FileMeta> obsoleteTables() {
        List<FileMeta> obsolete = new ArrayList<>(inputs);
        obsolete.addAll(next);
        return obsolete;
    }

    /** Where the next compaction of {@code level} starts, so that the level's whole key range takes turns. */
    byte[] nextPointer() {
        return inputs.get(inputs.size() - 1).largest();
    }
}
