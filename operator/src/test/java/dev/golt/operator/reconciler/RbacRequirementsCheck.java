package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Checks {@code rbac-requirements.yaml} against reality: every request the operator's client sent to
 * the mock API server, every dependent resource kind with full management verbs, the
 * {@code finalizers} permission that OwnerReferencesPermissionEnforcement demands for objects
 * created with {@code blockOwnerDeletion} (the mock has no admission plugins, so it is derived from
 * the request bodies), and nothing more than that.
 */
final class RbacRequirementsCheck {

    static final String OPERATOR_USER_AGENT = "golt-operator-under-test";

    private RbacRequirementsCheck() {
    }

    record Access(String group, String resource, String verb) {
        @Override
        public String toString() {
            return (group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb;
        }
    }

    static List<Access> rules() throws Exception {
        List<Access> allowed = new ArrayList<>();
        try (InputStream in = RbacRequirementsCheck.class.getResourceAsStream("/rbac-requirements.yaml")) {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            for (JsonNode rule : root.path("rules")) {
                for (JsonNode group : rule.path("apiGroups")) {
                    for (JsonNode resource : rule.path("resources")) {
                        for (JsonNode verb : rule.path("verbs")) {
                            allowed.add(new Access(group.asText(), resource.asText(), verb.asText()));
                        }
                    }
                }
            }
        }
        return allowed;
    }

    static Access accessOf(RecordedRequest request) {
        String[] pathAndQuery = request.getPath().split("\\?", 2);
        String query = pathAndQuery.length > 1 ? pathAndQuery[1] : "";
        List<String> parts = new ArrayList<>(Arrays.asList(pathAndQuery[0].split("/")));
        parts.removeIf(String::isEmpty);
        String group;
        List<String> rest;
        if (parts.get(0).equals("api")) {
            group = "";
            rest = parts.subList(2, parts.size());
        } else {
            group = parts.get(1);
            rest = parts.subList(3, parts.size());
        }
        if (rest.size() > 2 && rest.get(0).equals("namespaces")) {
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
        boolean named = rest.size() > 1;
        String verb = switch (request.getMethod()) {
            case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> request.getMethod();
        };
        return new Access(group, resource, verb);
    }

    /** Every request the operator's own client sent so far (drains the mock server's record). */
    static List<RecordedRequest> operatorRequests(KubernetesMockServer server) throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.contains(OPERATOR_USER_AGENT)) {
                requests.add(request);
            }
        }
        return requests;
    }

    /**
     * An object created with a blocking owner reference needs update on the owner's finalizers
     * (OwnerReferencesPermissionEnforcement); read from what the operator created.
     */
    static Set<Access> admissionRequirements(io.fabric8.kubernetes.client.KubernetesClient client,
                                             List<Class<?>> dependentTypes) {
        Set<Access> needed = new TreeSet<>(java.util.Comparator.comparing(Access::toString));
        for (Class<?> type : dependentTypes) {
            @SuppressWarnings("unchecked")
            Class<? extends HasMetadata> kind = (Class<? extends HasMetadata>) type;
            for (HasMetadata object : client.resources(kind).inAnyNamespace()
                    .withLabel("app.kubernetes.io/managed-by", "golt-operator").list().getItems()) {
                object.getMetadata().getOwnerReferences().stream()
                        .filter(ref -> Boolean.TRUE.equals(ref.getBlockOwnerDeletion()))
                        .forEach(ref -> needed.add(new Access(ref.getApiVersion().split("/")[0],
                                HasMetadata.getPlural(dev.golt.operator.crd.GoltCluster.class) + "/finalizers", "update")));
            }
        }
        return needed;
    }

    static void assertCovered(List<RecordedRequest> requests, io.fabric8.kubernetes.client.KubernetesClient client,
                              List<Class<?>> dependentTypes) throws Exception {
        List<Access> allowed = rules();
        Set<Access> used = new TreeSet<>(java.util.Comparator.comparing(Access::toString));
        requests.forEach(r -> used.add(accessOf(r)));
        Set<Access> admission = admissionRequirements(client, dependentTypes);
        assertThat(admission).as("dependents are created with blockOwnerDeletion").isNotEmpty();
        used.addAll(admission);
        System.out.println("operator API access: " + used);
        assertThat(used).as("requests seen from the operator").isNotEmpty();
        assertThat(used).as("every request is allowed by rbac-requirements.yaml").allMatch(allowed::contains);
        for (Class<?> type : dependentTypes) {
            @SuppressWarnings("unchecked")
            Class<? extends HasMetadata> kind = (Class<? extends HasMetadata>) type;
            String group = HasMetadata.getGroup(kind);
            for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
                assertThat(allowed).as("dependent %s needs %s", kind.getSimpleName(), verb)
                        .contains(new Access(group, HasMetadata.getPlural(kind), verb));
            }
        }
        // Nothing in the file that the operator does not do: every verb was seen, except the
        // dependents' full management verbs and the few calls no test pass happens to make.
        Set<String> dependentResources = new TreeSet<>();
        dependentTypes.forEach(t -> {
            @SuppressWarnings("unchecked")
            Class<? extends HasMetadata> kind = (Class<? extends HasMetadata>) t;
            dependentResources.add(HasMetadata.getGroup(kind) + "/" + HasMetadata.getPlural(kind));
        });
        assertThat(allowed).as("every verb of every rule is used").allMatch(a -> used.contains(a)
                || dependentResources.contains(a.group() + "/" + a.resource()) || UNSEEN_BUT_NEEDED.contains(a));
    }

    /** Needed though no test pass makes the call: JOSDK re-reads the primary when a status write conflicts. */
    static final Set<Access> UNSEEN_BUT_NEEDED = Set.of(new Access("golt.dev", "goltclusters", "get"));

    /** Informers of created objects list and watch only what carries the operator's managed-by label. */
    static void assertWatchesAreLabelled(List<RecordedRequest> requests) {
        List<String> watches = requests.stream().map(RecordedRequest::getPath)
                .filter(p -> p.contains("watch=true") && !p.contains("/goltclusters"))
                .toList();
        assertThat(watches).as("watches of created objects and pods").isNotEmpty();
        assertThat(watches).allSatisfy(p -> assertThat(java.net.URLDecoder.decode(p, java.nio.charset.StandardCharsets.UTF_8))
                .contains("labelSelector=app.kubernetes.io/managed-by=golt-operator"));
    }
}
