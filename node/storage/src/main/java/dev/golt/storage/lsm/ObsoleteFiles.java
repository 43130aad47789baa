package dev.golt.storage.lsm;

import dev.golt.storage.FileNames;
import dev.golt.storage.io.FileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and removes the files of a store directory that its live manifest does not name, after
 * leveldb's {@code DBImpl::RemoveObsoleteFiles}: tables of a flush or compaction cut short before
 * its edit was logged, manifests that were rolled away, and a {@code CURRENT.tmp} left by a crash.
 * Run at open only, before anything new is written, so nothing it deletes can be in use.
 */
final class ObsoleteFiles {

    private ObsoleteFiles() {}

    static List<Long> tables(Path dir) throws IOException {
        return numbered(dir, true);
    }

    static void delete(FileIo io, Path dir, Set<Long> liveTables, long liveManifest) throws IOException {
        for (long n : numbered(dir, true)) {
            if (!liveTables.contains(n)) {
                io.delete(FileNames.table(dir, n));
            }
        }
        for (long n : numbered(dir, false)) {
            if (n != liveManifest) {
                io.delete(dir.resolve(FileNames.manifestName(n)));
            }
        }
        io.delete(dir.resolve(FileNames.CURRENT_TMP));
    }

    private static List<Long> numbered(Path dir, boolean tables) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String name = p.getFileName().toString();
                OptionalLong n = tables ? FileNames.parseTable(name) : FileNames.parseManifest(name);
                n.ifPresent(out::add);
            });
        }
        return out;
    }
}
