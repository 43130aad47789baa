package dev.golt.images;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two images, as Jib build plans: what goes in which layer (what changes least first, so a
 * rebuild reuses the library layers), the entrypoint, user, ports and OCI labels.
 *
 * <p>Both run as uid/gid 10001 with nothing writable but their volume and /tmp (Kubernetes pods
 * set {@code readOnlyRootFilesystem}). The node's JVM options are read at start from
 * {@code /opt/golt/jvm.options}, the file {@code bin/golt-node} reads too
 * ({@code node/server/src/main/jvm/jvm.options}): heap and buffers are sized from the container's
 * memory limit there.
 */
final class GoltImages {
    static final String USER = "10001:10001";
    static final String NODE_HOME = "/opt/golt";
    static final String NODE_DATA = "/var/lib/golt";
    static final String OPERATOR_HOME = "/opt/golt-operator";

    /** Where the pieces are and what to label the images with. */
    record Inputs(Path root, String version, String revision, Instant created, String source) {
        Path nodeApp() {
            return root.resolve("node/server/target/quarkus-app");
        }

        Path nodeJvmOptions() {
            return root.resolve("node/server/src/main/jvm/jvm.options");
        }

        Path operatorTarget() {
            return root.resolve("operator/target");
        }

        Path operatorJvmOptions() {
            return root.resolve("operator/src/main/jvm/jvm.options");
        }
    }

    private GoltImages() {
    }

    static Path node(String base, Inputs in, Path out, String name) throws Exception {
        Path app = require(in.nodeApp().resolve("quarkus-run.jar"), "./mvnw -pl node/server -am package").getParent();
        JibContainerBuilder image = Jib.from(base)
                // Quarkus' aot-jar (the fast-jar layout, classes on the class path), libraries first: they change least.
                .addFileEntriesLayer(Layers.named("libraries").tree(app.resolve("lib"), NODE_HOME + "/lib", Layers.ROOT).build())
                .addFileEntriesLayer(Layers.named("quarkus").tree(app.resolve("quarkus"), NODE_HOME + "/quarkus", Layers.ROOT).build())
                .addFileEntriesLayer(Layers.named("application")
                        .tree(app.resolve("app"), NODE_HOME + "/app", Layers.ROOT)
                        .file(app.resolve("quarkus-run.jar"), NODE_HOME + "/quarkus-run.jar", Layers.ROOT)
                        .file(require(in.nodeJvmOptions(), "a source checkout"), NODE_HOME + "/jvm.options", Layers.ROOT)
                        // Owned by the node's user, so a new named volume mounted here starts writable.
                        .folder(NODE_DATA, "700", USER)
                        .build())
                .setEntrypoint(List.of("java", "@" + NODE_HOME + "/jvm.options", "-jar", NODE_HOME + "/quarkus-run.jar"))
                .addEnvironmentVariable("GOLT_DATA", NODE_DATA)
                .setWorkingDirectory(AbsoluteUnixPath.get(NODE_HOME))
                .setVolumes(Set.of(AbsoluteUnixPath.get(NODE_DATA)))
                // 7000: Raft gRPC between members. 8000: HTTP API, health (/q/health/*), metrics (/q/metrics).
                // 2379: etcd's v3 gRPC API (--grpc), etcd's client port.
                .setExposedPorts(Set.of(Port.tcp(7000), Port.tcp(8000), Port.tcp(2379)));
        return finish(image, in, "golt-node", "Golt node: a strongly consistent key-value store replicated with Raft", out, name);
    }

    static Path operator(String base, Inputs in, Path out, String name) throws Exception {
        Path jar = require(in.operatorTarget().resolve("golt-operator-" + in.version() + ".jar"), "./mvnw -pl operator -am package");
        JibContainerBuilder image = Jib.from(base)
                .addFileEntriesLayer(Layers.named("libraries").tree(in.operatorTarget().resolve("lib"), OPERATOR_HOME + "/lib", Layers.ROOT).build())
                .addFileEntriesLayer(Layers.named("application")
                        // The jar's manifest puts lib/*.jar on the class path.
                        .file(jar, OPERATOR_HOME + "/golt-operator.jar", Layers.ROOT)
                        .file(require(in.operatorJvmOptions(), "a source checkout"), OPERATOR_HOME + "/jvm.options", Layers.ROOT)
                        .build())
                .setEntrypoint(List.of("java", "@" + OPERATOR_HOME + "/jvm.options", "-jar", OPERATOR_HOME + "/golt-operator.jar"))
                .setWorkingDirectory(AbsoluteUnixPath.get(OPERATOR_HOME))
                // GOLT_OPERATOR_HTTP (default 0.0.0.0:8080): /healthz, /readyz, /metrics.
                .setExposedPorts(Set.of(Port.tcp(8080)));
        return finish(image, in, "golt-operator", "Golt operator: runs Golt clusters on Kubernetes from GoltCluster resources", out, name);
    }

    private static Path finish(JibContainerBuilder image, Inputs in, String title, String description, Path out, String name)
            throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", title);
        labels.put("org.opencontainers.image.description", description);
        labels.put("org.opencontainers.image.version", in.version());
        labels.put("org.opencontainers.image.revision", in.revision());
        labels.put("org.opencontainers.image.created", in.created().toString());
        if (!in.source().isBlank()) {
            labels.put("org.opencontainers.image.source", in.source());
        }
        Path tar = out.resolve(title + ".tar");
        image.setLabels(labels)
                .setUser(USER)
                .setFormat(ImageFormat.Docker)
                .setCreationTime(in.created())
                .containerize(Containerizer.to(TarImage.at(tar).named(name))
                        .setApplicationLayersCache(out.resolve("jib-cache"))
                        .setBaseImageLayersCache(out.resolve("jib-cache"))
                        .setToolName("golt-images"));
        return tar;
    }

    private static Path require(Path path, String buildFirst) {
        if (!Files.exists(path)) {
            throw new IllegalStateException("no " + path + ": build it first (" + buildFirst + ")");
        }
        return path;
    }
}
