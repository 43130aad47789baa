package dev.golt.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Everything wrong with a set of rendered manifests that the API server or the controllers would
 * reject or silently mis-wire: names, namespaces, labels, selectors, port and RBAC references.
 */
final class ManifestProblems {

    static final List<String> STANDARD_LABELS = List.of(
            "helm.sh/chart", "app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/version", "app.kubernetes.io/managed-by");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Set<String> CLUSTER_SCOPED = Set.of("ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition");
    /** Kinds with no model in kubernetes-model; they arrive as generic resources. */
    private static final Set<String> FOREIGN_KINDS = Set.of("monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PodMonitor");

    private final List<HasMetadata> objects;
    private final List<String> problems = new ArrayList<>();

    private ManifestProblems(List<HasMetadata> objects) {
        this.objects = objects;
    }

    static List<String> of(List<HasMetadata> objects) {
        ManifestProblems check = new ManifestProblems(objects);
        check.run();
        return check.problems;
    }

    private void run() {
        Set<String> identities = new HashSet<>();
        for (HasMetadata object : objects) {
            String id = describe(object);
            if (!identities.add(id)) {
                problems.add(id + ": rendered twice");
            }
            checkIdentity(object, id);
        }
        Chart.ofType(objects, Deployment.class).forEach(this::checkDeployment);
        Chart.ofType(objects, Service.class).forEach(this::checkService);
        Chart.ofType(objects, RoleBinding.class).forEach(b -> checkBinding(b, b.getRoleRef(), b.getSubjects(), b.getMetadata().getNamespace()));
        Chart.ofType(objects, ClusterRoleBinding.class).forEach(b -> checkBinding(b, b.getRoleRef(), b.getSubjects(), null));
        Chart.ofType(objects, Role.class).forEach(r -> checkRules(r, r.getRules()));
        Chart.ofType(objects, ClusterRole.class).forEach(r -> checkRules(r, r.getRules()));
    }

    private void checkIdentity(HasMetadata object, String id) {
        String apiVersionKind = object.getApiVersion() + "/" + object.getKind();
        if (object instanceof GenericKubernetesResource && !FOREIGN_KINDS.contains(apiVersionKind)) {
            problems.add(id + ": " + apiVersionKind + " is not a kind the Kubernetes API knows");
        }
        String name = object.getMetadata().getName();
        if (name == null || name.length() > 63 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            problems.add(id + ": invalid name");
        }
        String namespace = object.getMetadata().getNamespace();
        boolean clusterScoped = CLUSTER_SCOPED.contains(object.getKind());
        if (clusterScoped && namespace != null) {
            problems.add(id + ": cluster-scoped but has namespace " + namespace);
        }
        if (!clusterScoped && (namespace == null || !DNS_LABEL.matcher(namespace).matches())) {
            problems.add(id + ": namespaced but namespace is " + namespace);
        }
        Map<String, String> labels = Objects.requireNonNullElse(object.getMetadata().getLabels(), Map.of());
        for (String label : STANDARD_LABELS) {
            if (!labels.containsKey(label)) {
                problems.add(id + ": missing label " + label);
            }
        }
        labels.values().stream().filter(v -> v.length() > 63).forEach(v -> problems.add(id + ": label value too long: " + v));
    }

    private void checkDeployment(Deployment deployment) {
        String id = describe(deployment);
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        if (selector == null || selector.isEmpty() || !podLabels.entrySet().containsAll(selector.entrySet())) {
            problems.add(id + ": selector " + selector + " does not select its pods " + podLabels);
        }
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        String serviceAccount = pod.getServiceAccountName();
        boolean chartCreatesAccounts = !Chart.ofType(objects, ServiceAccount.class).isEmpty();
        if (serviceAccount == null
                || chartCreatesAccounts && find(ServiceAccount.class, deployment.getMetadata().getNamespace(), serviceAccount) == null) {
            problems.add(id + ": service account " + serviceAccount + " is not rendered");
        }
        if (pod.getContainers().isEmpty()) {
            problems.add(id + ": no containers");
        }
        for (Container container : pod.getContainers()) {
            if (container.getImage() == null || !container.getImage().contains(":") || container.getImage().endsWith(":")) {
                problems.add(id + ": container " + container.getName() + " has no image tag: " + container.getImage());
            }
            if (container.getResources() == null || container.getResources().getRequests() == null) {
                problems.add(id + ": container " + container.getName() + " requests no resources");
            }
            Set<String> ports = new HashSet<>();
            container.getPorts().forEach(port -> ports.add(port.getName()));
            Stream.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe())
                    .filter(probe -> probe != null && probe.getHttpGet() != null)
                    .map(probe -> probe.getHttpGet().getPort().getStrVal())
                    .filter(port -> port != null && !ports.contains(port))
                    .forEach(port -> problems.add(id + ": probe on undeclared port " + port));
            Set<String> volumes = new HashSet<>();
            pod.getVolumes().forEach(v -> volumes.add(v.getName()));
            container.getVolumeMounts().stream().filter(m -> !volumes.contains(m.getName()))
                    .forEach(m -> problems.add(id + ": mount of undeclared volume " + m.getName()));
        }
    }

    private void checkService(Service service) {
        String id = describe(service);
        Map<String, String> selector = service.getSpec().getSelector();
        List<Deployment> targets = Chart.ofType(objects, Deployment.class).stream()
                .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .toList();
        if (selector.isEmpty() || targets.size() != 1) {
            problems.add(id + ": selector " + selector + " matches " + targets.size() + " deployments, not one");
            return;
        }
        Set<String> portNames = new HashSet<>();
        targets.getFirst().getSpec().getTemplate().getSpec().getContainers()
                .forEach(c -> c.getPorts().stream().map(ContainerPort::getName).forEach(portNames::add));
        for (ServicePort port : service.getSpec().getPorts()) {
            String target = port.getTargetPort().getStrVal();
            if (target != null && !portNames.contains(target)) {
                problems.add(id + ": targetPort " + target + " is not a container port " + portNames);
            }
        }
    }

    private void checkBinding(HasMetadata binding, RoleRef ref, List<Subject> subjects, String namespace) {
        String id = describe(binding);
        HasMetadata role = "ClusterRole".equals(ref.getKind())
                ? find(ClusterRole.class, null, ref.getName())
                : find(Role.class, namespace, ref.getName());
        if (role == null) {
            problems.add(id + ": roleRef " + ref.getKind() + "/" + ref.getName() + " is not rendered");
        }
        Set<String> accounts = new HashSet<>();
        Chart.ofType(objects, Deployment.class).forEach(d -> accounts.add(
                d.getMetadata().getNamespace() + "/" + d.getSpec().getTemplate().getSpec().getServiceAccountName()));
        for (Subject subject : subjects) {
            if (!"ServiceAccount".equals(subject.getKind()) || !accounts.contains(subject.getNamespace() + "/" + subject.getName())) {
                problems.add(id + ": subject " + subject.getKind() + " " + subject.getNamespace() + "/" + subject.getName()
                        + " is not the operator's service account " + accounts);
            }
        }
    }

    private void checkRules(HasMetadata role, List<PolicyRule> rules) {
        for (PolicyRule rule : rules) {
            if (rule.getApiGroups().isEmpty() || rule.getResources().isEmpty() || rule.getVerbs().isEmpty()) {
                problems.add(describe(role) + ": incomplete rule " + rule);
            }
            if (rule.getVerbs().contains("*") || rule.getResources().contains("*") || rule.getApiGroups().contains("*")) {
                problems.add(describe(role) + ": wildcard rule " + rule);
            }
        }
    }

    private <T extends HasMetadata> T find(Class<T> type, String namespace, String name) {
        return Chart.ofType(objects, type).stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .filter(o -> !(o instanceof Namespaced) || Objects.equals(namespace, o.getMetadata().getNamespace()))
                .findFirst().orElse(null);
    }

    static String describe(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
    }
}
