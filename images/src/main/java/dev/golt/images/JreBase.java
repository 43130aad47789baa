package dev.golt.images;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;

/**
 * The base image made on this machine, since none can be pulled here: distroless-style (as
 * Google's distroless Java images), no shell and no package manager, only
 * <ul>
 *   <li>{@code /opt/java/openjdk}: a JRE jlinked from the build's own JDK with the modules the node
 *       and the operator use, its class-data-sharing archive generated (start-up), libjvm's symbol
 *       table stripped; the path and {@code PATH}/{@code JAVA_HOME} are eclipse-temurin's, so a
 *       pulled {@code eclipse-temurin:25-jre} base runs the same images unchanged;</li>
 *   <li>the few glibc files the JRE links against, from Debian's {@code libc6} package
 *       ({@code apt-get download} + {@code dpkg-deb -x}: the same release as the build machine), with
 *       its copyright file;</li>
 *   <li>{@code /etc/passwd} and {@code /etc/group} naming uid/gid 10001 {@code golt} (the JVM looks
 *       its user up for {@code user.home}), and an empty {@code /tmp} for engines that do not mount
 *       one over a read-only root.</li>
 * </ul>
 * The result is a docker-archive tarball (what {@code podman save} writes and Jib's {@code tar://}
 * reads), cached under a key of the JDK version and this recipe, so later builds reuse it.
 */
final class JreBase {
    /** What jdeps finds in the node's and operator's libraries, minus AWT/Swing (java.desktop, never loaded). */
    static final List<String> MODULES = List.of("java.base", "java.logging", "java.management", "jdk.management",
            "java.naming", "jdk.naming.dns", "java.net.http", "java.sql", "java.xml", "jdk.unsupported",
            "jdk.httpserver", "jdk.zipfs", "jdk.jfr", "java.instrument");
    static final String JAVA_HOME = "/opt/java/openjdk";
    /** The JRE's native libraries need these and nothing else (ldd of libjvm, libjava, libnet, libnio, libzip). */
    private static final List<String> GLIBC_FILES = List.of("ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6",
            "libdl.so.2", "libpthread.so.0", "librt.so.1");
    static final Map<String, String> ENVIRONMENT = Map.of(
            "JAVA_HOME", JAVA_HOME,
            "PATH", JAVA_HOME + "/bin:/usr/local/bin:/usr/bin:/bin",
            "LANG", "C.UTF-8");

    private JreBase() {
    }

    /** The cached base tarball, built first if missing. */
    static Path ensure(Path cache) throws Exception {
        String key = key();
        Path dir = Files.createDirectories(cache.resolve("jre-base-" + key));
        Path tar = dir.resolve("image.tar");
        if (Files.exists(tar)) {
            return tar;
        }
        System.out.println("[images] building the JRE base image in " + dir + " (once per JDK version)");
        Path work = Files.createTempDirectory(dir, "work");
        try {
            Path jre = jlink(work.resolve("jre"));
            Path glibc = glibc(work.resolve("debian"), Files.createDirectories(work.resolve("glibc")));
            Path etc = etc(Files.createDirectories(work.resolve("etc")));
            Path partial = dir.resolve("image.tar.partial");
            Jib.fromScratch()
                    .setFormat(ImageFormat.Docker)
                    .addFileEntriesLayer(Layers.named("glibc").tree(glibc, "/", Layers.ROOT).build())
                    .addFileEntriesLayer(Layers.named("etc").tree(etc, "/etc", Layers.ROOT)
                            .folder("/tmp", "777", Layers.ROOT).build())
                    .addFileEntriesLayer(Layers.named("jre").tree(jre, JAVA_HOME, Layers.ROOT).build())
                    .setEnvironment(ENVIRONMENT)
                    .setUser("10001:10001")
                    .setCreationTime(Layers.FIXED_TIME)
                    .containerize(Containerizer.to(TarImage.at(partial).named("golt/jre-base:" + key))
                            .setOfflineMode(true));
            Files.move(partial, tar, StandardCopyOption.ATOMIC_MOVE);
            return tar;
        } finally {
            deleteTree(work);
        }
    }

    private static String key() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((Runtime.version() + "|" + MODULES + "|" + GLIBC_FILES + "|" + new java.util.TreeMap<>(ENVIRONMENT) + "|3")
                .getBytes(StandardCharsets.UTF_8));
        return Runtime.version().feature() + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    private static Path jlink(Path out) throws Exception {
        ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IllegalStateException(
                "no jlink in " + System.getProperty("java.home") + ": build with a full JDK (not a JRE)"));
        StringWriter log = new StringWriter();
        int rc = jlink.run(new PrintWriter(log), new PrintWriter(log), "--add-modules", String.join(",", MODULES),
                "--output", out.toString(), "--strip-debug", "--no-man-pages", "--no-header-files",
                "--compress=zip-6", "--generate-cds-archive");
        if (rc != 0) {
            throw new IllegalStateException("jlink failed (" + rc + "):\n" + log);
        }
        // Only used with heaps over 32 GiB, which a Golt node never has.
        Files.deleteIfExists(out.resolve("lib/server/classes_nocoops.jsa"));
        Path libjvm = out.resolve("lib/server/libjvm.so");
        if (!Commands.exists("strip")) {
            System.out.println("[images] no strip (binutils): libjvm.so keeps its symbol table (+5 MB)");
        } else {
            Commands.run(out, "strip", "--strip-unneeded", libjvm.toString());
        }
        return out;
    }

    /** The JRE's glibc files from Debian's libc6, laid out as in Debian ({@code /lib/x86_64-linux-gnu}, {@code /lib64}). */
    private static Path glibc(Path download, Path root) throws IOException, InterruptedException {
        Files.createDirectories(download);
        for (String tool : List.of("apt-get", "dpkg-deb")) {
            if (!Commands.exists(tool)) {
                throw new IllegalStateException("the local base image needs Debian's " + tool + " (for libc6); "
                        + "elsewhere build on a pullable base: bin/build-images --base eclipse-temurin:25-jre");
            }
        }
        try {
            Commands.run(download, "apt-get", "download", "libc6");
        } catch (IOException noPackageLists) {
            // A fresh machine may have no package lists yet; apt-get update needs root.
            System.out.println("[images] apt-get download libc6 failed; apt-get update, then again");
            Commands.run(download, "apt-get", "update", "-qq");
            Commands.run(download, "apt-get", "download", "libc6");
        }
        Path deb;
        try (var files = Files.list(download)) {
            deb = files.filter(p -> p.getFileName().toString().startsWith("libc6_")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("apt-get download libc6 left no .deb in " + download));
        }
        Path extracted = download.resolve("x");
        Commands.run(download, "dpkg-deb", "-x", deb.toString(), extracted.toString());
        Path libs = Files.createDirectories(root.resolve("lib/x86_64-linux-gnu"));
        Path from = Files.exists(extracted.resolve("usr/lib/x86_64-linux-gnu/libc.so.6"))
                ? extracted.resolve("usr/lib/x86_64-linux-gnu") : extracted.resolve("lib/x86_64-linux-gnu");
        for (String f : GLIBC_FILES) {
            Files.copy(from.resolve(f), libs.resolve(f));
        }
        // The dynamic loader path compiled into every x86-64 binary.
        Files.copy(from.resolve("ld-linux-x86-64.so.2"), Files.createDirectories(root.resolve("lib64")).resolve("ld-linux-x86-64.so.2"));
        Path doc = Files.createDirectories(root.resolve("usr/share/doc/libc6"));
        Files.copy(extracted.resolve("usr/share/doc/libc6/copyright"), doc.resolve("copyright"));
        Files.writeString(doc.resolve("package"), deb.getFileName().toString() + "\n");
        return root;
    }

    private static Path etc(Path etc) throws IOException {
        Files.writeString(etc.resolve("passwd"), """
                root:x:0:0:root:/root:/sbin/nologin
                golt:x:10001:10001:golt:/var/lib/golt:/sbin/nologin
                nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
                """);
        Files.writeString(etc.resolve("group"), """
                root:x:0:
                golt:x:10001:
                nogroup:x:65534:
                """);
        Files.writeString(etc.resolve("nsswitch.conf"), """
                passwd: files
                group: files
                hosts: files dns
                """);
        return etc;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            for (Path p : all.reversed()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
