package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart grants the operator exactly what the operator declares it needs
 * (operator/src/main/resources/rbac-requirements.yaml, read from the golt-operator artifact):
 * every verb on every resource, in the right scope, and nothing more.
 */
class RbacTest {

    private static final String REQUIREMENTS = "rbac-requirements.yaml";

    /** One verb on one resource (or subresource) of one API group. */
    record Permission(String group, String resource, String verb) {
    }

    private static byte[] declaredBytes;
    private static Set<Permission> required;
    private static Map<String, Boolean> namespacedByGroupResource;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = RbacTest.class.getClassLoader().getResourceAsStream(REQUIREMENTS)) {
            assertThat(in).as("%s on the golt-operator class path", REQUIREMENTS).isNotNull();
            declaredBytes = in.readAllBytes();
        }
        required = permissions(Serialization.unmarshal(new String(declaredBytes), ClusterRole.class).getRules());
        namespacedByGroupResource = scopes();
    }

    @Test
    void operatorDeclaresItsNeeds() {
        assertThat(required).isNotEmpty();
        assertThat(required).allSatisfy(p -> assertThat(namespacedByGroupResource)
                .as("scope of %s/%s", p.group(), p.resource()).containsKey(key(p.group(), base(p.resource()))));
    }

    @Test
    void chartCopyOfTheRequirementsIsCurrent() throws IOException {
        Path copy = Chart.DIR.resolve("files").resolve(REQUIREMENTS);
        assertThat(new String(Files.readAllBytes(copy)))
                .as("%s is stale: cp operator/src/main/resources/%s charts/golt-operator/files/", copy, REQUIREMENTS)
                .isEqualTo(new String(declaredBytes));
    }

    @Test
    void watchingAllNamespacesGrantsExactlyTheRequirementsClusterWide() {
        List<HasMetadata> objects = Chart.renderDefaults();

        assertThat(clusterWideGrants(objects)).containsExactlyInAnyOrderElementsOf(required);
        assertThat(Chart.ofType(objects, RoleBinding.class)).isEmpty();
        assertThat(Chart.ofType(objects, Role.class)).isEmpty();
    }

    @Test
    void watchingANamespaceListGrantsNamespacedNeedsOnlyThere() {
        List<HasMetadata> objects = Chart.render("namespaced.yaml");

        Set<Permission> namespaced = required.stream().filter(RbacTest::isNamespaced).collect(Collectors.toSet());
        Set<Permission> clusterScoped = required.stream().filter(p -> !isNamespaced(p)).collect(Collectors.toSet());
        assertThat(namespaced).isNotEmpty();
        assertThat(clusterWideGrants(objects)).containsExactlyInAnyOrderElementsOf(clusterScoped);
        for (String namespace : List.of("team-a", "team-b")) {
            assertThat(grantsIn(objects, namespace)).as("granted in %s", namespace)
                    .containsExactlyInAnyOrderElementsOf(namespaced);
        }
        assertThat(Chart.ofType(objects, RoleBinding.class)).extracting(b -> b.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b");
    }

    @Test
    void noRbacWhenTurnedOff() {
        List<HasMetadata> objects = Chart.render("stopped.yaml");

        assertThat(clusterWideGrants(objects)).isEmpty();
        assertThat(Chart.ofType(objects, RoleBinding.class)).isEmpty();
    }

    /** What ClusterRoleBindings give the operator's service account everywhere. */
    private static Set<Permission> clusterWideGrants(List<HasMetadata> objects) {
        return Chart.ofType(objects, ClusterRoleBinding.class).stream()
                .filter(b -> b.getSubjects().stream().anyMatch(RbacTest::isOperator))
                .flatMap(b -> rulesOf(objects, b.getRoleRef().getKind(), null, b.getRoleRef().getName()))
                .collect(Collectors.collectingAndThen(Collectors.toList(), RbacTest::permissions));
    }

    /** What RoleBindings in one namespace give the operator's service account there. */
    private static Set<Permission> grantsIn(List<HasMetadata> objects, String namespace) {
        return Chart.ofType(objects, RoleBinding.class).stream()
                .filter(b -> namespace.equals(b.getMetadata().getNamespace()))
                .filter(b -> b.getSubjects().stream().anyMatch(RbacTest::isOperator))
                .flatMap(b -> rulesOf(objects, b.getRoleRef().getKind(), namespace, b.getRoleRef().getName()))
                .collect(Collectors.collectingAndThen(Collectors.toList(), RbacTest::permissions));
    }

    private static boolean isOperator(io.fabric8.kubernetes.api.model.rbac.Subject subject) {
        return "ServiceAccount".equals(subject.getKind()) && Chart.NAMESPACE.equals(subject.getNamespace());
    }

    private static Stream<PolicyRule> rulesOf(List<HasMetadata> objects, String kind, String namespace, String name) {
        Stream<? extends HasMetadata> roles = "ClusterRole".equals(kind)
                ? Chart.ofType(objects, ClusterRole.class).stream()
                : Chart.ofType(objects, Role.class).stream().filter(r -> r.getMetadata().getNamespace().equals(namespace));
        return roles.filter(r -> r.getMetadata().getName().equals(name))
                .flatMap(r -> r instanceof ClusterRole c ? c.getRules().stream() : ((Role) r).getRules().stream());
    }

    private static Set<Permission> permissions(Collection<PolicyRule> rules) {
        return rules.stream().flatMap(rule -> {
            assertThat(rule.getResourceNames()).as("resourceNames in %s", rule).isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).as("nonResourceURLs in %s", rule).isNullOrEmpty();
            return rule.getApiGroups().stream().flatMap(group -> rule.getResources().stream()
                    .flatMap(resource -> rule.getVerbs().stream().map(verb -> new Permission(group, resource, verb))));
        }).collect(Collectors.toSet());
    }

    private static boolean isNamespaced(Permission permission) {
        return namespacedByGroupResource.get(key(permission.group(), base(permission.resource())));
    }

    /**
     * Scope of every resource the API knows: the built-in kinds from fabric8's model, the Golt kinds
     * from the chart's CRDs.
     */
    private static Map<String, Boolean> scopes() throws IOException {
        Map<String, Boolean> scopes = new HashMap<>();
        ServiceLoader.load(KubernetesResource.class).stream().map(ServiceLoader.Provider::type)
                .filter(HasMetadata.class::isAssignableFrom)
                .map(type -> type.asSubclass(HasMetadata.class))
                .forEach(type -> scopes.put(key(HasMetadata.getGroup(type), HasMetadata.getPlural(type)),
                        Namespaced.class.isAssignableFrom(type)));
        try (Stream<Path> files = Files.list(Chart.DIR.resolve("crds"))) {
            for (Path file : files.toList()) {
                CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
                scopes.put(key(crd.getSpec().getGroup(), crd.getSpec().getNames().getPlural()),
                        "Namespaced".equals(crd.getSpec().getScope()));
            }
        }
        return scopes;
    }

    private static String key(String group, String resource) {
        return group + "/" + resource;
    }

    private static String base(String resource) {
        int slash = resource.indexOf('/');
        return slash < 0 ? resource : resource.substring(0, slash);
    }
}
