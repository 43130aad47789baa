package dev.golt.storage.lsm;

import dev.golt.storage.FileNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a checkpoint: a directory that is a complete, openable store holding one version of
 * another, after Pebble's {@code checkpoint.go}. Tables are immutable, so they are hard-linked
 * rather than copied; the manifest is written anew with just that version, because the source's
 * manifest goes on naming tables the checkpoint does not have. The {@link CheckpointMarker} comes
 * last, so a directory without one is an unfinished checkpoint.
 *
 * <p>Unlike Pebble there is no WAL to copy: the caller flushes the memtable first, so the tables
 * alone hold the state at the checkpoint's index.
 */
final class Checkpoint {

    private Checkpoint() {}

    /** Creates {@code target}, which must be absent or empty: a checkpoint never mixes with other files. */
    static void createDirectory(Path target) {
        try {
            if (Files.exists(target)) {
                try (Stream<Path> s = Files.list(target)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("checkpoint directory " + target + " is not empty");
                    }
                }
            }
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create checkpoint directory " + target, e);
        }
    }

    /** Links every table of {@code v}; the caller keeps them from being deleted meanwhile. */
    static void linkTables(Version v, Path source, Path target) throws IOException {
        for (FileMeta f : v.all()) {
            Files.createLink(FileNames.table(target, f.number()), FileNames.table(source, f.number()));
        }
    }

    /** Makes {@code target} a store of the linked tables, then marks it complete at {@code index}. */
    static void seal(LsmOptions options, Path target, long manifestNumber, VersionEdit snapshot, long index) throws IOException {
        try (Manifest m = Manifest.create(options.io(), options.fsync(), target, manifestNumber, snapshot)) {
            // the manifest is complete and CURRENT names it
        }
        CheckpointMarker.write(options.io(), options.fsync(), target, index);
    }

    /** The applied index recorded in a checkpoint directory. */
    static long index(Path dir) {
        return CheckpointMarker.read(dir);
    }

    /** Every file of a checkpoint directory, sorted by name, for streaming to another node. */
    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(FileNames.LOCK))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
