package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.model.GoltClusterModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles agree with what runs them: the operator's pod template (data path, ports,
 * args-only invocation) and the chart's defaults (image names, non-root pods).
 */
class ImagesTest {

    private static final Path ROOT = Chart.DIR.resolve("../..").normalize();
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\d+)(?::(\\d+))?\\s*$");

    @Test
    void nodeImageRunsAsNonRootWithDataOnTheOperatorsVolume() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("docker/node.Dockerfile"));

        String user = assertNonRootUser(dockerfile);
        assertThat(dockerfile).containsPattern("(?m)^VOLUME\\s+" + Pattern.quote(GoltClusterModel.DATA_PATH) + "\\s*$")
                .containsPattern("(?m)^ENV GOLT_DATA=" + Pattern.quote(GoltClusterModel.DATA_PATH) + "\\s*$")
                .as("the data directory belongs to the image's user")
                .containsPattern("\\bchown " + Pattern.quote(user) + " " + Pattern.quote(GoltClusterModel.DATA_PATH) + "\\s");
        assertThat(exposed(dockerfile)).contains(GoltClusterModel.RAFT_PORT, GoltClusterModel.HTTP_PORT);
    }

    @Test
    void imagesSizeTheHeapFromTheContainerLimitAndTakeFlagsAsArguments() throws IOException {
        for (String name : List.of("node.Dockerfile", "operator.Dockerfile")) {
            String dockerfile = Files.readString(ROOT.resolve("docker").resolve(name));
            // Exec form, so the operator's `args` (the node's flags) are appended and signals reach the JVM.
            assertThat(dockerfile).as(name).containsPattern("(?m)^ENTRYPOINT \\[\"java\", \"-XX:MaxRAMPercentage=\\d+\"")
                    .doesNotContainPattern("(?m)^CMD ");
        }
    }

    @Test
    void operatorImageRunsAsNonRoot() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("docker/operator.Dockerfile"));

        assertNonRootUser(dockerfile);
        assertThat(exposed(dockerfile)).contains(8080);
    }

    @Test
    void chartDefaultsToTheOperatorImageThatBuildImagesBuilds() throws IOException {
        String values = Files.readString(Chart.DIR.resolve("values.yaml"));

        assertThat(values).containsPattern("(?m)^  repository: " + Pattern.quote(defaultRegistry() + "/golt-operator") + "$");
    }

    static String defaultRegistry() throws IOException {
        Matcher matcher = Pattern.compile("registry=\"\\$\\{REGISTRY:-([^}]+)}\"")
                .matcher(Files.readString(ROOT.resolve("bin/build-images")));
        assertThat(matcher.find()).as("bin/build-images sets a default REGISTRY").isTrue();
        return matcher.group(1);
    }

    /** The numeric {@code uid[:gid]} of the image's USER, which must not be root. */
    private static String assertNonRootUser(String dockerfile) {
        Matcher user = USER.matcher(dockerfile);
        assertThat(user.find()).as("a numeric USER, which runAsNonRoot can verify").isTrue();
        assertThat(Integer.parseInt(user.group(1))).isPositive();
        return user.group(2) == null ? user.group(1) : user.group(1) + ":" + user.group(2);
    }

    private static List<Integer> exposed(String dockerfile) {
        Matcher matcher = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(dockerfile);
        assertThat(matcher.find()).isTrue();
        return Pattern.compile("\\s+").splitAsStream(matcher.group(1).strip()).map(Integer::parseInt).toList();
    }
}
