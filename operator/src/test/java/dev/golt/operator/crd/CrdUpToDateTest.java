package dev.golt.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generates the GoltCluster CRD from the Java classes (fabric8's CRD generator with the
 * {@link ListTypes} post-processor) into {@code target/crd}, and fails when the committed
 * {@code crds/} copy differs.
 */
class CrdUpToDateTest {

    private static final String FILE = "goltclusters.golt.dev-v1.yml";
    private static final Path GENERATED = Path.of("target/crd", FILE);
    private static final Path COMMITTED = Path.of("../crds", FILE);

    @BeforeAll
    static void generate() throws Exception {
        Files.createDirectories(GENERATED.getParent());
        new CRDGenerator().customResourceClasses(GoltCluster.class).forCRDVersions("v1")
                .withPostProcessor(new ListTypes()).inOutputDir(new File("target/crd")).generate();
    }

    @Test
    void committedCrdMatchesTheGeneratedOne() throws Exception {
        assertThat(GENERATED).exists();
        assertThat(Files.readString(COMMITTED))
                .as("crds/%s is stale; refresh it with: cp operator/%s crds/ && cp crds/%s charts/golt-operator/crds/",
                        FILE, GENERATED, FILE)
                .isEqualTo(Files.readString(GENERATED));
    }

    @Test
    void crdHasValidationPrinterColumnsStatusAndShortName() throws Exception {
        String crd = Files.readString(COMMITTED);
        assertThat(crd).contains("group: \"golt.dev\"", "name: \"v1alpha1\"", "- \"golt\"", "status: {}",
                "name: \"Replicas\"", "name: \"Ready\"", "name: \"Leader\"", "name: \"Age\"",
                "maximum: 9.0", "minimum: 1.0", "- \"Retain\"", "- \"Delete\"", "scope: \"Namespaced\"");
    }

    @Test
    void conditionsAndMembersAreListMapsWithRequiredKeys() throws Exception {
        JSONSchemaProps status = schema().getProperties().get("status");
        JSONSchemaProps conditions = status.getProperties().get("conditions");
        assertThat(conditions.getXKubernetesListType()).isEqualTo("map");
        assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
        assertThat(conditions.getItems().getSchema().getRequired()).contains("type");
        JSONSchemaProps members = status.getProperties().get("members");
        assertThat(members.getXKubernetesListType()).isEqualTo("map");
        assertThat(members.getXKubernetesListMapKeys()).containsExactly("id");
        assertThat(members.getItems().getSchema().getRequired()).contains("id");
    }

    @Test
    void theScaleSubresourceAndTheReplicasDefaultAreDeclared() throws Exception {
        var version = crd().getSpec().getVersions().get(0);
        var scale = version.getSubresources().getScale();
        assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
        assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
        assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
        JSONSchemaProps replicas = schema().getProperties().get("spec").getProperties().get("replicas");
        assertThat(replicas.getDefault().asInt()).isEqualTo(3);
        assertThat(replicas.getMinimum()).isEqualTo(1.0);
    }

    @Test
    void namesAndStorageChangesAreRefusedByCelRulesWithClearMessages() throws Exception {
        var root = schema().getXKubernetesValidations();
        assertThat(root).extracting(r -> r.getRule()).contains("self.metadata.name.size() <= 52");
        assertThat(root).anySatisfy(r -> assertThat(r.getMessage()).contains("DNS-1035"));
        var spec = schema().getProperties().get("spec").getXKubernetesValidations();
        assertThat(spec).allSatisfy(r -> assertThat(r.getRule()).contains("oldSelf"));
        assertThat(spec).extracting(r -> r.getMessage()).anySatisfy(m -> assertThat(m).contains("spec.storage.size"))
                .anySatisfy(m -> assertThat(m).contains("storageClassName"));
    }

    private static CustomResourceDefinition crd() throws Exception {
        return Serialization.unmarshal(Files.readString(COMMITTED), CustomResourceDefinition.class);
    }

    private static JSONSchemaProps schema() throws Exception {
        return crd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }
}
