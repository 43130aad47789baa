package dev.golt.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.golt.operator.model.GoltClusterModel;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image build plans on an empty base (no JRE, nothing pulled): the image configuration agrees
 * with the operator's pod template and the layers hold what the entrypoint needs, owned as the
 * read-only-root, non-root pods need. The real images are started by the e2e image tests.
 */
class GoltImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void theNodeImageRunsItsQuarkusAppAsUid10001WithDataOnTheOperatorsVolumePath() throws Exception {
        Path tar = GoltImages.node("scratch", inputs(), dir, "golt/golt-node:test");
        Archive image = Archive.read(tar);
        JsonNode config = image.config().path("config");

        assertThat(config.path("User").asText()).isEqualTo("10001:10001");
        assertThat(texts(config.path("Entrypoint"))).containsExactly("java", "@/opt/golt/jvm.options", "-jar", "/opt/golt/quarkus-run.jar");
        assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull()).as("flags are the pod's args alone").isTrue();
        assertThat(texts(config.path("Env"))).contains("GOLT_DATA=" + GoltClusterModel.DATA_PATH);
        assertThat(config.path("Volumes").has(GoltClusterModel.DATA_PATH)).isTrue();
        assertThat(config.path("ExposedPorts").has(GoltClusterModel.RAFT_PORT + "/tcp")).isTrue();
        assertThat(config.path("ExposedPorts").has(GoltClusterModel.HTTP_PORT + "/tcp")).isTrue();
        assertThat(config.path("ExposedPorts").has(GoltClusterModel.ETCD_PORT + "/tcp")).isTrue();
        assertThat(config.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo("1.2.3");
        assertThat(config.path("Labels").path("org.opencontainers.image.revision").asText()).isEqualTo("abc123");

        Map<String, TarArchiveEntry> files = image.files();
        assertThat(files).containsKeys("opt/golt/quarkus-run.jar", "opt/golt/lib/main/a.jar", "opt/golt/app/app.jar",
                "opt/golt/quarkus/generated.dat", "opt/golt/jvm.options");
        TarArchiveEntry data = files.get("var/lib/golt/");
        assertThat(data).as("the data folder, so a new volume mounted there starts owned by the node's user").isNotNull();
        assertThat(data.getLongUserId()).isEqualTo(10001);
        assertThat(data.getMode() & 0777).isEqualTo(0700);
        assertThat(files.get("opt/golt/quarkus-run.jar").getLongUserId()).as("the application is not writable by its user").isZero();
    }

    @Test
    void theOperatorImageRunsItsJarWithLibrariesBesideIt() throws Exception {
        Archive image = Archive.read(GoltImages.operator("scratch", inputs(), dir, "golt/golt-operator:test"));
        JsonNode config = image.config().path("config");

        assertThat(config.path("User").asText()).isEqualTo("10001:10001");
        assertThat(texts(config.path("Entrypoint"))).containsExactly("java", "@/opt/golt-operator/jvm.options", "-jar",
                "/opt/golt-operator/golt-operator.jar");
        assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(image.files()).containsKeys("opt/golt-operator/golt-operator.jar", "opt/golt-operator/lib/dep.jar",
                "opt/golt-operator/jvm.options");
    }

    @Test
    void theJvmOptionsSizeTheHeapFromTheMemoryLimitAndBinGoltNodeReadsTheSameFile() throws IOException {
        Path root = Path.of(System.getProperty("golt.root", "..")).toAbsolutePath().normalize();
        String options = Files.readString(root.resolve("node/server/src/main/jvm/jvm.options"));
        assertThat(options).containsPattern("(?m)^-XX:MaxRAMPercentage=\\d+$").doesNotContainPattern("(?m)^-Xmx");
        assertThat(Files.readString(root.resolve("bin/golt-node"))).contains("node/server/src/main/jvm/jvm.options");
    }

    private GoltImages.Inputs inputs() throws IOException {
        Path root = dir.resolve("src");
        Path app = root.resolve("node/server/target/quarkus-app");
        write(app.resolve("quarkus-run.jar"));
        write(app.resolve("lib/main/a.jar"));
        write(app.resolve("lib/boot/b.jar"));
        write(app.resolve("app/app.jar"));
        write(app.resolve("quarkus/generated.dat"));
        write(root.resolve("node/server/src/main/jvm/jvm.options"));
        write(root.resolve("operator/target/golt-operator-1.2.3.jar"));
        write(root.resolve("operator/target/lib/dep.jar"));
        write(root.resolve("operator/src/main/jvm/jvm.options"));
        return new GoltImages.Inputs(root, "1.2.3", "abc123", Instant.ofEpochSecond(1_700_000_000L), "");
    }

    private static void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, file.getFileName().toString());
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** A docker-archive tarball: manifest.json, the config it names, and gzipped layer tarballs. */
    private record Archive(Map<String, byte[]> entries) {
        static Archive read(Path tar) throws IOException {
            Map<String, byte[]> entries = new HashMap<>();
            try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
                for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
            return new Archive(entries);
        }

        JsonNode manifest() throws IOException {
            return JSON.readTree(entries.get("manifest.json")).get(0);
        }

        JsonNode config() throws IOException {
            return JSON.readTree(entries.get(manifest().path("Config").asText()));
        }

        /** Every entry of every layer, by path (folders end with '/'). */
        Map<String, TarArchiveEntry> files() throws IOException {
            Map<String, TarArchiveEntry> files = new HashMap<>();
            for (JsonNode layer : manifest().path("Layers")) {
                try (InputStream raw = new GZIPInputStream(new ByteArrayInputStream(entries.get(layer.asText())));
                     TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
                    for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                        files.put(e.getName(), e);
                    }
                }
            }
            return files;
        }
    }
}
