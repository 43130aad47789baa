package dev.golt.storage.lsm;

import java.util.ArrayList;
import java.util.List;

/**
 * One change to the set of live tables, the payload of a manifest record.
 *
 * <pre>
 * field*: tag varint, then
 *   1 APPLIED_INDEX   index varint           last Raft index whose effects the tables hold
 *   2 NEXT_FILE       number varint
 *   3 ADD_FILE        level varint | number varint | size varint | entries varint | smallest (len varint, bytes) | largest (len varint, bytes)
 *   4 DELETE_FILE     level varint | number varint
 * </pre>
 */
final class VersionEdit {
    record Added(int level, long number, long size, long entries, byte[] smallest, byte[] largest) {

        static Added of(int level, FileMeta f) {
            return new Added(level, f.number(), f.size(), f.entries(), f.smallest(), f.largest());
        }
    }

    record Deleted(int level, long number) {}

    private static final int APPLIED_INDEX = 1;
    private static final int NEXT_FILE = 2;
    private static final int ADD_FILE = 3;
    private static final int DELETE_FILE = 4;

    long appliedIndex = -1;
    long nextFile = -1;
    final List<Added> added = new ArrayList<>();
    final List<Deleted> deleted = new ArrayList<>();

    /** An edit that recreates all of {@code v} from nothing: the first record of every manifest. */
    static VersionEdit snapshotOf(Version v, long appliedIndex, long nextFile) {
        VersionEdit e = new VersionEdit();
        e.appliedIndex = appliedIndex;
        e.nextFile = nextFile;
        for (int level = 0; level < Version.MAX_LEVELS; level++) {
            for (FileMeta f : v.level(level)) {
                e.added.add(Added.of(level, f));
            }
        }
        return e;
    }

    byte[] encode() {
        Coding.Writer w = new Coding.Writer(64);
        if (appliedIndex >= 0) {
            w.varint(APPLIED_INDEX).varint(appliedIndex);
        }
        if (nextFile >= 0) {
            w.varint(NEXT_FILE).varint(nextFile);
        }
        for (Added a : added) {
            w.varint(ADD_FILE).varint(a.level).varint(a.number).varint(a.size).varint(a.entries);
            w.lengthPrefixed(a.smallest).lengthPrefixed(a.largest);
        }
        for (Deleted d : deleted) {
            w.varint(DELETE_FILE).varint(d.level).varint(d.number);
        }
        return w.toArray();
    }

    /** @throws IllegalStateException when the bytes are not a valid edit */
    static VersionEdit decode(byte[] bytes) {
        VersionEdit e = new VersionEdit();
        Coding.Reader r = new Coding.Reader(bytes, 0, bytes.length);
        while (r.pos < r.limit) {
            int tag = r.varint32();
            switch (tag) {
                case APPLIED_INDEX -> e.appliedIndex = r.varint();
                case NEXT_FILE -> e.nextFile = r.varint();
                case ADD_FILE -> e.added.add(new Added(level(r), r.varint(), r.varint(), r.varint(), r.lengthPrefixed(), r.lengthPrefixed()));
                case DELETE_FILE -> e.deleted.add(new Deleted(level(r), r.varint()));
                default -> throw new IllegalStateException("unknown version edit tag " + tag);
            }
        }
        return e;
    }

    private static int level(Coding.Reader r) {
        int level = r.varint32();
        if (level >= Version.MAX_LEVELS) {
            throw new IllegalStateException("level out of range: " + level);
        }
        return level;
    }
}
