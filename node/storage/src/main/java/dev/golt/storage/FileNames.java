package dev.golt.storage;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Every file name the storage engine writes, in one place (after leveldb's {@code filename.cc}).
 *
 * <pre>
 * WAL directory:  wal-00000000000000000001.log   segment, numbered in write order
 * LSM directory:  000007.sst                      SSTable
 *                 MANIFEST-000005                 log of version edits
 *                 CURRENT                         name of the live manifest (switched by rename)
 *                 CURRENT.tmp                     CURRENT being written
 *                 CHECKPOINT                      applied index of a checkpoint directory (lsm.CheckpointMarker)
 *                 LOCK                            held while a store is open
 * </pre>
 */
public final class FileNames {

    public static final String CURRENT = "CURRENT";
    public static final String CURRENT_TMP = "CURRENT.tmp";
    public static final String CHECKPOINT = "CHECKPOINT";
    public static final String CHECKPOINT_TMP = "CHECKPOINT.tmp";
    public static final String LOCK = "LOCK";

    private static final String WAL_PREFIX = "wal-";
    private static final String WAL_SUFFIX = ".log";
    private static final String SST_SUFFIX = ".sst";
    private static final String MANIFEST_PREFIX = "MANIFEST-";

    private FileNames() {}

    public static Path walSegment(Path dir, long sequence) {
        return dir.resolve(String.format("%s%020d%s", WAL_PREFIX, sequence, WAL_SUFFIX));
    }

    /** The sequence number of a WAL segment file name, empty for any other name. */
    public static OptionalLong parseWalSegment(String name) {
        return parseNumber(name, WAL_PREFIX, WAL_SUFFIX);
    }

    public static Path table(Path dir, long number) {
        return dir.resolve(tableName(number));
    }

    public static String tableName(long number) {
        return String.format("%06d%s", number, SST_SUFFIX);
    }

    public static OptionalLong parseTable(String name) {
        return parseNumber(name, "", SST_SUFFIX);
    }

    public static String manifestName(long number) {
        return String.format("%s%06d", MANIFEST_PREFIX, number);
    }

    public static OptionalLong parseManifest(String name) {
        return parseNumber(name, MANIFEST_PREFIX, "");
    }

    private static OptionalLong parseNumber(String name, String prefix, String suffix) {
        if (!name.startsWith(prefix) || !name.endsWith(suffix)) {
            return OptionalLong.empty();
        }
        String digits = name.substring(prefix.length(), name.length() - suffix.length());
        if (digits.isEmpty() || digits.length() > 20) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
