package dev.golt.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * GoltCluster objects seen as a user sees them: generic resources (no operator classes), so the
 * e2e tests exercise the published CRD and nothing else.
 */
public final class GoltClusters {
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("golt.dev").withVersion("v1alpha1").withKind("GoltCluster").withPlural("goltclusters")
            .withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;

    public GoltClusters(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public Resource<GenericKubernetesResource> named(String name) {
        return client.genericKubernetesResources(CONTEXT).inNamespace(namespace).withName(name);
    }

    public GenericKubernetesResource create(String yaml) {
        GenericKubernetesResource resource = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        return client.genericKubernetesResources(CONTEXT).inNamespace(namespace).resource(resource).create();
    }

    public GenericKubernetesResource get(String name) {
        return named(name).get();
    }

    /**
     * Changes the spec as {@code kubectl patch --type merge} does: a merge patch without a
     * resourceVersion, so the operator's status writes in between cannot make it conflict (fabric8's
     * {@code edit} locks on the resourceVersion it read, and failed a CI run with 409).
     */
    @SuppressWarnings("unchecked")
    public void editSpec(String name, Consumer<Map<String, Object>> change) {
        Map<String, Object> spec = Serialization.unmarshal(
                Serialization.asJson(named(name).get().getAdditionalProperties().get("spec")), Map.class);
        change.accept(spec);
        mergePatch(name, Map.of("spec", spec));
    }

    /** As {@code kubectl annotate --overwrite}. */
    public void annotate(String name, String key, String value) {
        mergePatch(name, Map.of("metadata", Map.of("annotations", Map.of(key, value))));
    }

    private void mergePatch(String name, Map<String, Object> patch) {
        named(name).patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> status(GenericKubernetesResource cluster) {
        Object status = cluster == null ? null : cluster.getAdditionalProperties().get("status");
        return status == null ? Map.of() : (Map<String, Object>) status;
    }

    /** The condition of that type, if reported. */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> condition(GenericKubernetesResource cluster, String type) {
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) status(cluster).getOrDefault("conditions", List.of());
        return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst();
    }

    public static boolean isTrue(GenericKubernetesResource cluster, String type) {
        return condition(cluster, type).map(c -> "True".equals(c.get("status"))).orElse(false);
    }
}
