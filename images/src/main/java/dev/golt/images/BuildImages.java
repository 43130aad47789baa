package dev.golt.images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds {@code golt/golt-node:<version>} and {@code golt/golt-operator:<version>} as image tarballs
 * (docker-archive, loadable by {@code podman load} and {@code docker load}) with Jib: no daemon,
 * no registry. Run by the images module's {@code package} phase; {@code bin/build-images} loads the
 * result into the local engine.
 *
 * <pre>
 *   --root=DIR      the source tree (node/server/target/quarkus-app, operator/target, jvm.options)
 *   --out=DIR       where golt-node.tar and golt-operator.tar go
 *   --version=V     org.opencontainers.image.version, and the tag unless --tag
 *   --base=REF      empty: the local JRE base ({@link JreBase}); else tar:///x.tar, docker://name or a registry image
 *   --cache=DIR     where the local base is kept between builds
 *   --registry=R    image name prefix (default golt)
 *   --tag=T         image tag
 *   --source=URL    org.opencontainers.image.source (default: the checkout's origin remote; none: no label)
 * </pre>
 */
public final class BuildImages {
    private BuildImages() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            flags.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        Path root = Path.of(flags.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path out = Files.createDirectories(Path.of(flags.getOrDefault("out", "images/target/images")).toAbsolutePath());
        String version = required(flags, "version");
        String registry = flags.getOrDefault("registry", "golt");
        String tag = flags.getOrDefault("tag", "").isBlank() ? version : flags.get("tag");
        String base = flags.getOrDefault("base", "");
        if (base.isBlank()) {
            Path cache = Path.of(flags.getOrDefault("cache", System.getProperty("user.home") + "/.cache/golt/images"));
            base = "tar://" + JreBase.ensure(cache);
        }
        GoltImages.Inputs inputs = new GoltImages.Inputs(root, version, Git.revision(root), Git.commitTime(root),
                flags.getOrDefault("source", "").isBlank() ? Git.source(root) : flags.get("source"));
        System.out.println("[images] base " + base);
        Path node = GoltImages.node(base, inputs, out, registry + "/golt-node:" + tag);
        Path operator = GoltImages.operator(base, inputs, out, registry + "/golt-operator:" + tag);
        System.out.printf("[images] %s (%d MB)%n[images] %s (%d MB)%n", node, Files.size(node) >> 20,
                operator, Files.size(operator) >> 20);
    }

    private static String required(Map<String, String> flags, String name) {
        String v = flags.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    /** The revision labels: from git when the tree is a checkout, else "unknown" (a source tarball). */
    static final class Git {
        private Git() {
        }

        static String revision(Path root) {
            String rev = git(root, "rev-parse", "HEAD");
            if (rev == null) {
                return "unknown";
            }
            String dirty = git(root, "status", "--porcelain", "--untracked-files=no");
            return dirty == null || dirty.isEmpty() ? rev : rev + "-dirty";
        }

        /** The commit's time, not the build's: the same commit builds the same image. */
        static Instant commitTime(Path root) {
            String t = git(root, "log", "-1", "--format=%ct");
            return t == null ? Layers.FIXED_TIME : Instant.ofEpochSecond(Long.parseLong(t));
        }

        static String source(Path root) {
            String url = git(root, "remote", "get-url", "origin");
            return url == null ? "" : url;
        }

        private static String git(Path root, String... args) {
            if (!Commands.exists("git")) {
                return null;
            }
            String[] command = new String[args.length + 1];
            command[0] = "git";
            System.arraycopy(args, 0, command, 1, args.length);
            try {
                return Commands.run(root, command).strip();
            } catch (Exception e) {
                return null;
            }
        }
    }
}
