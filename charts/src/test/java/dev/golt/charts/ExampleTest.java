package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExampleTest {

    private static final Path EXAMPLE = Chart.DIR.resolve("examples/goltcluster.yaml");

    @Test
    void exampleIsAShortGoltCluster() throws IOException {
        GenericKubernetesResource cluster = Serialization.unmarshal(Files.readString(EXAMPLE), GenericKubernetesResource.class);

        assertThat(cluster.getApiVersion()).isEqualTo("golt.dev/v1alpha1");
        assertThat(cluster.getKind()).isEqualTo("GoltCluster");
        assertThat(cluster.getMetadata().getName()).isEqualTo("demo");
        assertThat((Integer) cluster.get("spec", "replicas")).isEqualTo(3);
        assertThat(Files.readAllLines(EXAMPLE)).hasSizeLessThanOrEqualTo(12);
    }
}
