package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Helm cannot read files outside the chart, so it carries a copy of crds/; the copy must be exact. */
class CrdTest {

    private static final Path PROJECT_CRDS = Chart.DIR.resolve("../../crds").normalize();
    private static final Path CHART_CRDS = Chart.DIR.resolve("crds");

    @Test
    void chartCrdsAreByteEqualToTheProjectCrds() throws IOException {
        List<String> projectFiles = names(PROJECT_CRDS);
        assertThat(projectFiles).isNotEmpty();
        assertThat(names(CHART_CRDS)).as("files in %s", CHART_CRDS).containsExactlyElementsOf(projectFiles);
        for (String name : projectFiles) {
            assertThat(Files.readAllBytes(CHART_CRDS.resolve(name)))
                    .as("charts/golt-operator/crds/%s is stale: cp crds/%s charts/golt-operator/crds/", name, name)
                    .isEqualTo(Files.readAllBytes(PROJECT_CRDS.resolve(name)));
        }
    }

    @Test
    void chartCrdIsTheGoltClusterDefinition() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(
                Files.readString(CHART_CRDS.resolve(names(CHART_CRDS).getFirst())), CustomResourceDefinition.class);

        assertThat(crd.getSpec().getGroup()).isEqualTo("golt.dev");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("GoltCluster");
        assertThat(crd.getSpec().getNames().getShortNames()).contains("golt");
        assertThat(crd.getSpec().getVersions()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getServed()).isTrue();
            assertThat(v.getStorage()).isTrue();
        });
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml") || n.endsWith(".yaml")).sorted().toList();
        }
    }
}
