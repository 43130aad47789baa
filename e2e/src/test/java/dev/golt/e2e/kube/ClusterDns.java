package dev.golt.e2e.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster DNS of the test cluster, as a {@link HostsFile} kept in step with the EndpointSlices
 * the real EndpointSlice controller writes: every endpoint with a hostname behind a Service gets
 * {@code <hostname>.<service>.<namespace>.svc.<domain>} and its shorter forms, which is what
 * CoreDNS answers for the pods of a headless Service (StatefulSet pods set {@code hostname} and
 * {@code subdomain}). Service ClusterIPs are not routed here, so Service names are not mapped.
 */
public final class ClusterDns implements AutoCloseable {
    private final HostsFile hosts;
    private final String domain;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Service> services;

    /**
     * @param fromPods also map the pods of headless Services directly, for pod IPs the EndpointSlice
     *     controller cannot publish (loopback addresses, see {@link PodAddresses})
     */
    public ClusterDns(KubernetesClient admin, Path file, String domain, boolean fromPods) {
        this.hosts = new HostsFile(file);
        this.domain = domain;
        this.slices = admin.discovery().v1().endpointSlices().inAnyNamespace().inform(onChange());
        this.pods = fromPods ? admin.pods().inAnyNamespace().inform(onChange()) : null;
        this.services = fromPods ? admin.services().inAnyNamespace().inform(onChange()) : null;
        refresh();
    }

    private <T> ResourceEventHandler<T> onChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                refresh();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                refresh();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                refresh();
            }
        };
    }

    /** JVM options that make a Java process resolve names like a process inside the cluster. */
    public List<String> javaOptions() {
        return javaOptions(hosts.path());
    }

    public static List<String> javaOptions(Path hostsFile) {
        return List.of("-Djdk.net.hosts.file=" + hostsFile, "-Dsun.net.inetaddr.negative.ttl=1");
    }

    private synchronized void refresh() {
        if (slices == null || (pods == null) != (services == null)) {
            return; // still constructing
        }
        Map<String, List<String>> names = new HashMap<>();
        if (pods != null) {
            namePods(names);
        }
        for (EndpointSlice slice : slices.getStore().list()) {
            String service = slice.getMetadata().getLabels() == null ? null
                    : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
            if (service == null || slice.getEndpoints() == null) {
                continue;
            }
            String ns = slice.getMetadata().getNamespace();
            for (var endpoint : slice.getEndpoints()) {
                if (endpoint.getHostname() == null || endpoint.getAddresses().isEmpty()) {
                    continue;
                }
                String base = endpoint.getHostname() + "." + service + "." + ns;
                names.computeIfAbsent(endpoint.getAddresses().get(0), ip -> new ArrayList<>())
                        .addAll(List.of(base + ".svc." + domain, base + ".svc", base));
            }
        }
        names.replaceAll((ip, list) -> list.stream().distinct().toList());
        hosts.replace(names);
    }

    /** What the EndpointSlice controller and CoreDNS make of a headless Service's pods. */
    private void namePods(Map<String, List<String>> names) {
        for (Pod pod : pods.getStore().list()) {
            var spec = pod.getSpec();
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (ip == null || spec.getHostname() == null || spec.getSubdomain() == null
                    || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String ns = pod.getMetadata().getNamespace();
            Service service = services.getStore().getByKey(ns + "/" + spec.getSubdomain());
            if (service == null || !"None".equals(service.getSpec().getClusterIP())) {
                continue;
            }
            boolean ready = pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            if (!ready && !Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses())) {
                continue;
            }
            String base = spec.getHostname() + "." + spec.getSubdomain() + "." + ns;
            names.computeIfAbsent(ip, x -> new ArrayList<>()).addAll(List.of(base + ".svc." + domain, base + ".svc", base));
        }
    }

    @Override
    public void close() {
        slices.close();
        if (pods != null) {
            pods.close();
            services.close();
        }
    }
}
