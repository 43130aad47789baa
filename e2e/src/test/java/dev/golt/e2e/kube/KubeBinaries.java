package dev.golt.e2e.kube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the control-plane binaries come from. {@code GOLT_KUBE_BINARIES} (or the system property
 * {@code golt.e2e.kubeBinaries}) may name a folder holding {@code etcd}, {@code kube-apiserver},
 * {@code kube-controller-manager}, {@code kube-scheduler} (and {@code kubectl} for {@code bin/golt-kube-local}) — for instance
 * unpacked from the official release archives on a machine that can download them. Otherwise
 * {@code e2e/kube/build-control-plane.sh} builds them from the {@code k8s.io/kubernetes} Go module
 * once into a cache outside the repository (a few minutes on a fresh machine, nothing after) and
 * prints the folder, laid out as fabric8's kube-api-test expects ({@code k8s/<version>-linux-amd64}).
 */
public record KubeBinaries(Path dir, String version) {
    static final List<String> NAMES = List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler");

    public static KubeBinaries find() throws IOException, InterruptedException {
        String given = System.getProperty("golt.e2e.kubeBinaries", System.getenv("GOLT_KUBE_BINARIES"));
        Path dir = given != null && !given.isBlank() ? Path.of(given) : build();
        for (String name : NAMES) {
            if (!Files.isExecutable(dir.resolve(name))) {
                throw new IllegalStateException("no executable " + name + " in " + dir);
            }
        }
        return new KubeBinaries(dir, version(dir));
    }

    private static Path build() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("golt.e2e.root", "..")).toAbsolutePath().normalize();
        Path script = root.resolve("e2e/kube/build-control-plane.sh");
        Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "); set GOLT_KUBE_BINARIES to a "
                    + "folder with " + NAMES + " to use binaries from elsewhere");
        }
        return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    private static String version(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(dir.resolve("kube-apiserver").toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out.replace("Kubernetes ", "");
    }
}
