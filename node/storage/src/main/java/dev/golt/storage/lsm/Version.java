package dev.golt.storage.lsm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable set of live tables by level. Level 0 holds flushed memtables whose ranges may
 * overlap, newest first; every deeper level is a sorted run of non-overlapping tables.
 */
final class Version {
    static final int MAX_LEVELS = 7;

    final List<List<FileMeta>> levels;

    Version(List<List<FileMeta>> levels) {
        List<List<FileMeta>> copy = new ArrayList<>(MAX_LEVELS);
        for (int i = 0; i < MAX_LEVELS; i++) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(i < levels.size() ? levels.get(i) : List.of())));
        }
        this.levels = Collections.unmodifiableList(copy);
    }

    static Version empty() {
        return new Version(List.of());
    }

    List<FileMeta> level(int i) {
        return levels.get(i);
    }

    /** This version with {@code added} and without {@code deleted} (numbers), keeping each level's order. */
    Version apply(List<FileMeta> addedFiles, List<Integer> addedLevels, List<VersionEdit.Deleted> deleted) {
        List<List<FileMeta>> next = new ArrayList<>();
        for (int i = 0; i < MAX_LEVELS; i++) {
            List<FileMeta> files = new ArrayList<>();
            for (FileMeta f : levels.get(i)) {
                final int level = i;
                if (deleted.stream().noneMatch(d -> d.level() == level && d.number() == f.number())) {
                    files.add(f);
                }
            }
            for (int j = 0; j < addedFiles.size(); j++) {
                if (addedLevels.get(j) == i) {
                    files.add(addedFiles.get(j));
                }
            }
            if (i == 0) {
                files.sort((a, b) -> Long.compare(b.number(), a.number()));
            } else {
                files.sort((a, b) -> Coding.compare(a.smallest(), b.smallest()));
            }
            next.add(files);
        }
        return new Version(next);
    }

    long levelBytes(int level) {
        long sum = 0;
        for (FileMeta f : levels.get(level)) {
            sum += f.size();
        }
        return sum;
    }

    List<FileMeta> all() {
        List<FileMeta> out = new ArrayList<>();
        levels.forEach(out::addAll);
        return out;
    }

    /**
     * The newest value of {@code key} in these tables, {@link Table#DELETED} when its newest entry
     * is a deletion, or null when no table has it (leveldb's {@code Version::Get}). Level 0 is
     * searched newest first and each deeper level holds older data than the one above, so the
     * first table that knows the key decides.
     */
    byte[] get(byte[] key) {
        for (FileMeta f : level(0)) {
            if (Coding.compare(key, f.smallest()) >= 0 && Coding.compare(key, f.largest()) <= 0) {
                byte[] v = f.table().get(key);
                if (v != null) {
                    return v;
                }
            }
        }
        for (int level = 1; level < MAX_LEVELS; level++) {
            FileMeta f = find(level, key);
            if (f != null) {
                byte[] v = f.table().get(key);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /** The table of sorted level {@code level >= 1} that may hold {@code key}, or null. */
    FileMeta find(int level, byte[] key) {
        List<FileMeta> files = levels.get(level);
        int lo = 0;
        int hi = files.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Coding.compare(files.get(mid).largest(), key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < files.size() && Coding.compare(files.get(lo).smallest(), key) <= 0) {
            return files.get(lo);
        }
        return null;
    }
}
