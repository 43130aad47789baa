package dev.golt.images;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Jib file layers made from folders, keeping each file's execute bits (Jib's own default makes every
 * file 644, which would leave {@code bin/java} unrunnable) and giving every entry one owner. Times are
 * Jib's fixed epoch + 1 s, so the same input gives the same layer digest.
 */
final class Layers {
    static final String ROOT = "0:0";
    static final Instant FIXED_TIME = Instant.ofEpochSecond(1);

    private final FileEntriesLayer.Builder builder;

    private Layers(String name) {
        this.builder = FileEntriesLayer.builder().setName(name);
    }

    static Layers named(String name) {
        return new Layers(name);
    }

    /** Every file and folder under {@code from}, placed under {@code into} (symbolic links followed). */
    Layers tree(Path from, String into, String ownership) {
        AbsoluteUnixPath target = AbsoluteUnixPath.get(into);
        try (Stream<Path> paths = Files.walk(from)) {
            paths.sorted().forEach(p -> {
                Path relative = from.relativize(p);
                if (relative.toString().isEmpty() && target.toString().equals("/")) {
                    return; // the root folder is the image's own, not an entry
                }
                AbsoluteUnixPath to = relative.toString().isEmpty() ? target : target.resolve(relative.toString());
                builder.addEntry(p, to, permissions(p), FIXED_TIME, ownership);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** One file at {@code into}, its mode kept. */
    Layers file(Path from, String into, String ownership) {
        builder.addEntry(from, AbsoluteUnixPath.get(into), permissions(from), FIXED_TIME, ownership);
        return this;
    }

    /** An empty folder with the given mode, e.g. a data directory the image's user must own. */
    Layers folder(String path, String octalMode, String ownership) {
        builder.addEntry(Scratch.emptyFolder(), AbsoluteUnixPath.get(path), FilePermissions.fromOctalString(octalMode),
                FIXED_TIME, ownership);
        return this;
    }

    FileEntriesLayer build() {
        return builder.build();
    }

    private static FilePermissions permissions(Path p) {
        if (Files.isDirectory(p)) {
            return FilePermissions.fromOctalString("755");
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
            return FilePermissions.fromOctalString(mode.contains(PosixFilePermission.OWNER_EXECUTE) ? "755" : "644");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty folder to stand as the source of folder entries (Jib wants a real directory). */
    private static final class Scratch {
        private static Path folder;

        static synchronized Path emptyFolder() {
            if (folder == null) {
                try {
                    folder = Files.createTempDirectory("golt-images-empty");
                    folder.toFile().deleteOnExit();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return folder;
        }
    }
}
