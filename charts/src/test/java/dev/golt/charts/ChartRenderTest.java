package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChartRenderTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"<defaults>", "namespaced.yaml", "monitoring.yaml", "stopped.yaml"})
    void everyRenderedObjectIsValid(String valuesFile) {
        List<HasMetadata> objects = valuesFile.startsWith("<") ? Chart.renderDefaults() : Chart.render(valuesFile);

        assertThat(objects).isNotEmpty();
        assertThat(ManifestProblems.of(objects)).isEmpty();
    }

    @Test
    void defaultsWatchAllNamespacesWithClusterWideRbac() {
        List<HasMetadata> objects = Chart.renderDefaults();

        Deployment deployment = Chart.single(objects, Deployment.class);
        Container operator = operator(deployment);
        assertThat(env(operator, "WATCH_NAMESPACES")).isEmpty();
        assertThat(env(operator, "GOLT_OPERATOR_HTTP")).isEqualTo("0.0.0.0:8080");
        assertThat(env(operator, "JAVA_TOOL_OPTIONS")).isEqualTo("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        assertThat(env(operator, "GOLT_CLUSTER_DOMAIN")).isEqualTo("cluster.local");
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(Chart.single(objects, ClusterRole.class).getRules()).isNotEmpty();
        assertThat(Chart.single(objects, ClusterRoleBinding.class).getRoleRef().getName())
                .isEqualTo(Chart.single(objects, ClusterRole.class).getMetadata().getName());
        assertThat(Chart.ofType(objects, Role.class)).isEmpty();
        assertThat(Chart.single(objects, ServiceAccount.class).getMetadata().getName())
                .isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
        assertThat(Chart.single(objects, Service.class).getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getName()).isEqualTo("metrics"));
        assertThat(objects).noneMatch(o -> o instanceof GenericKubernetesResource);
        assertThat(objects).noneMatch(o -> o instanceof ConfigMap);
    }

    @Test
    void defaultImageTagIsTheAppVersionWhichIsTheProjectVersion() throws Exception {
        String appVersion = Files.readAllLines(Chart.DIR.resolve("Chart.yaml")).stream()
                .filter(line -> line.startsWith("appVersion:"))
                .map(line -> line.substring("appVersion:".length()).strip().replace("\"", ""))
                .findFirst().orElseThrow();

        assertThat(appVersion).isEqualTo(System.getProperty("golt.version"));
        assertThat(operator(Chart.single(Chart.renderDefaults(), Deployment.class)).getImage())
                .isEqualTo("golt/golt-operator:" + appVersion);
    }

    @Test
    void namespaceListGetsOneRolePerNamespaceAndOnlyClusterScopedRulesClusterWide() {
        List<HasMetadata> objects = Chart.render("namespaced.yaml");

        Deployment deployment = Chart.single(objects, Deployment.class);
        Container operator = operator(deployment);
        assertThat(env(operator, "WATCH_NAMESPACES")).isEqualTo("team-a,team-b");
        assertThat(env(operator, "JAVA_TOOL_OPTIONS")).isEqualTo("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug -Xss512k");
        assertThat(env(operator, "GOLT_NODE_HTTP_PORT")).isEqualTo("8000");
        assertThat(env(operator, "GOLT_CLUSTER_DOMAIN")).isEqualTo("corp.example");
        assertThat(operator.getImage()).isEqualTo("registry.example.com/golt/golt-operator:1.2.3");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        assertThat(deployment.getMetadata().getName()).isEqualTo("golt-op");
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("golt-operator-sa");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("example.com/tier", "infra");
        assertThat(Chart.ofType(objects, ServiceAccount.class)).isEmpty();
        assertThat(Chart.ofType(objects, Role.class)).extracting(r -> r.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b");
        List<String> namespacedResources = Chart.ofType(objects, Role.class).getFirst().getRules().stream()
                .flatMap(rule -> rule.getResources().stream()).toList();
        assertThat(Chart.ofType(objects, ClusterRole.class)).allSatisfy(role -> assertThat(role.getRules())
                .flatMap(PolicyRule::getResources).doesNotContainAnyElementsOf(namespacedResources));
        assertThat(Chart.ofType(objects, RoleBinding.class)).allSatisfy(binding -> {
            assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
                assertThat(subject.getName()).isEqualTo("golt-operator-sa");
                assertThat(subject.getNamespace()).isEqualTo(Chart.NAMESPACE);
            });
        });
    }

    @Test
    void monitoringTogglesAddMonitorsAndTheDashboard() throws Exception {
        List<HasMetadata> objects = Chart.render("monitoring.yaml");

        Map<String, GenericKubernetesResource> monitors = Chart.ofType(objects, GenericKubernetesResource.class).stream()
                .collect(Collectors.toMap(HasMetadata::getKind, m -> m));
        assertThat(monitors).containsOnlyKeys("ServiceMonitor", "PodMonitor");
        assertThat(monitors.values()).allSatisfy(m -> assertThat(m.getMetadata().getLabels()).containsEntry("release", "prometheus"));
        Service metrics = Chart.single(objects, Service.class);
        assertThat(metrics.getSpec().getPorts().getFirst().getPort()).isEqualTo(9090);
        assertThat(env(operator(Chart.single(objects, Deployment.class)), "GOLT_OPERATOR_HTTP")).isEqualTo("0.0.0.0:9090");
        assertThat(metrics.getMetadata().getAnnotations()).containsEntry("example.com/scrape", "true");
        Map<String, String> serviceSelector = monitors.get("ServiceMonitor").get("spec", "selector", "matchLabels");
        assertThat(metrics.getMetadata().getLabels()).containsAllEntriesOf(serviceSelector);

        ConfigMap dashboard = Chart.single(objects, ConfigMap.class);
        assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("monitoring");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1").containsEntry("team", "storage");
        assertThat(dashboard.getData()).containsOnlyKeys("golt-nodes.json");
        assertThat(new ObjectMapper().readTree(dashboard.getData().get("golt-nodes.json")))
                .isEqualTo(new ObjectMapper().readTree(Chart.DIR.resolve("dashboards/golt-nodes.json").toFile()));
    }

    @Test
    void podMonitorScrapesTheWatchedNamespaces() {
        List<HasMetadata> objects = Chart.render(
                List.of(Chart.values("namespaced.yaml"), Chart.values("monitoring.yaml")), Map.of());

        GenericKubernetesResource podMonitor = Chart.ofType(objects, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals("PodMonitor")).findFirst().orElseThrow();
        assertThat(podMonitor.get("spec", "namespaceSelector", "matchNames").toString()).isEqualTo("[team-a, team-b]");
        assertThat(ManifestProblems.of(objects)).isEmpty();
    }

    @Test
    void stoppedOperatorWithoutRbacOrMetrics() {
        List<HasMetadata> objects = Chart.render("stopped.yaml");

        assertThat(Chart.single(objects, Deployment.class).getSpec().getReplicas()).isZero();
        assertThat(Stream.of(Role.class, RoleBinding.class, ClusterRole.class, ClusterRoleBinding.class, Service.class))
                .allSatisfy(type -> assertThat(Chart.ofType(objects, type)).isEmpty());
        assertThat(operator(Chart.single(objects, Deployment.class)).getReadinessProbe()).isNotNull();
    }

    @Test
    void byDefaultOnlyTheMembersAndTheOperatorReachTheNodePorts() {
        List<HasMetadata> objects = Chart.renderDefaults();

        NetworkPolicy policy = Chart.single(objects, NetworkPolicy.class);
        assertThat(policy.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of(
                "app.kubernetes.io/name", "golt", "app.kubernetes.io/managed-by", "golt-operator"));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        var ingress = policy.getSpec().getIngress();
        assertThat(ingress).hasSize(2);
        assertThat(ingress.get(0).getFrom()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector()
                .getMatchLabels()).isEqualTo(policy.getSpec().getPodSelector().getMatchLabels()));
        assertThat(ingress.get(0).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(7000, 8000);
        Deployment deployment = Chart.single(objects, Deployment.class);
        assertThat(ingress.get(1).getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", Chart.NAMESPACE);
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(peer.getPodSelector().getMatchLabels());
        });
        assertThat(ingress.get(1).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8000);
    }

    @Test
    void watchedNamespacesEachGetTheNetworkPolicyWithTheListedClients() {
        List<NetworkPolicy> policies = Chart.ofType(Chart.render("namespaced.yaml"), NetworkPolicy.class);

        assertThat(policies).extracting(p -> p.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(policies).allSatisfy(p -> assertThat(p.getSpec().getIngress()).hasSize(3)
                .last().satisfies(clients -> {
                    assertThat(clients.getFrom()).singleElement()
                            .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                                    .containsEntry("kubernetes.io/metadata.name", "apps"));
                    assertThat(clients.getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(8000, 2379);
                }));
        assertThat(Chart.ofType(Chart.render(List.of(), Map.of("networkPolicy.enabled", "false")), NetworkPolicy.class))
                .isEmpty();
    }

    static Container operator(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("operator")).findFirst().orElseThrow();
    }

    static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }
}
