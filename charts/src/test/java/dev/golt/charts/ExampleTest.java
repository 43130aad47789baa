package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExampleTest {

    private static final Path EXAMPLE = Chart.DIR.resolve("examples/goltcluster.yaml");

    private static CustomResourceDefinition crd;

    @BeforeAll
    static void loadCrd() throws IOException {
        crd = Serialization.unmarshal(
                Files.readString(Chart.DIR.resolve("crds").resolve(CrdTest.names(Chart.DIR.resolve("crds")).getFirst())),
                CustomResourceDefinition.class);
    }

    @Test
    void exampleIsAShortGoltClusterOfThreeMembers() throws IOException {
        Map<String, Object> example = example();

        assertThat(example).containsEntry("apiVersion", crd.getSpec().getGroup() + "/" + servedVersion().getName())
                .containsEntry("kind", crd.getSpec().getNames().getKind());
        assertThat(example).extractingByKey("spec").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("replicas", 3);
        assertThat(Files.readAllLines(EXAMPLE)).hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void exampleIsValidForTheCrdSchema() throws IOException {
        Map<String, Object> example = example();
        JSONSchemaProps schema = servedVersion().getSchema().getOpenAPIV3Schema();

        assertThat(StructuralSchema.problems(schema.getProperties().get("spec"), example.get("spec"))).isEmpty();
    }

    @Test
    void schemaCheckFindsWhatTheServerWouldReject() {
        JSONSchemaProps spec = servedVersion().getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("replicas", 0);
        bad.put("imagePullPolicy", "Sometimes");
        bad.put("replica", 3);

        assertThat(StructuralSchema.problems(spec, bad)).anyMatch(p -> p.contains(".replicas") && p.contains("minimum"))
                .anyMatch(p -> p.contains(".imagePullPolicy"))
                .anyMatch(p -> p.contains(".replica: unknown field"))
                .anyMatch(p -> p.contains("missing required field image"));
    }

    @Test
    void exampleRunsTheImageThatBuildImagesBuilds() throws IOException {
        String image = (String) ((Map<?, ?>) example().get("spec")).get("image");

        assertThat(image).isEqualTo(ImagesTest.defaultRegistry() + "/golt-node:" + System.getProperty("golt.version"));
    }

    private static CustomResourceDefinitionVersion servedVersion() {
        List<CustomResourceDefinitionVersion> versions = crd.getSpec().getVersions();
        return versions.stream().filter(CustomResourceDefinitionVersion::getStorage).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> example() throws IOException {
        return Serialization.unmarshal(Files.readString(EXAMPLE), Map.class);
    }
}
