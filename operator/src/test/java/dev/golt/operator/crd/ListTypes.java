package dev.golt.operator.crd;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;

/**
 * The CRD generator's post-processor for what fabric8's annotations cannot say yet
 * (fabric8io/kubernetes-client#6669): {@code status.conditions} is a list-map keyed by
 * {@code type}, {@code status.members} by {@code id}, so server-side apply and strategic merges
 * treat entries by key. A list-map key must be required, hence {@code required: [type, status]} on
 * the conditions (fabric8's Condition class marks nothing required).
 */
final class ListTypes implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            definition.getSpec().getVersions().forEach(version -> {
                JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
                listMap(status.getProperties().get("conditions"), "type", List.of("type", "status"));
                listMap(status.getProperties().get("members"), "id", List.of("id"));
            });
        }
        return crd;
    }

    private static void listMap(JSONSchemaProps list, String key, List<String> required) {
        list.setXKubernetesListType("map");
        list.setXKubernetesListMapKeys(List.of(key));
        JSONSchemaProps item = list.getItems().getSchema();
        List<String> all = new ArrayList<>(item.getRequired() == null ? List.of() : item.getRequired());
        required.stream().filter(r -> !all.contains(r)).forEach(all::add);
        item.setRequired(all);
    }
}
