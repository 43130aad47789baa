package dev.golt.e2e.kube;

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

    public ClusterDns(KubernetesClient admin, Path file, String domain) {
        this.hosts = new HostsFile(file);
        this.domain = domain;
        this.slices = admin.discovery().v1().endpointSlices().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice obj) {
                refresh();
            }

            @Override
            public void onUpdate(EndpointSlice oldObj, EndpointSlice newObj) {
                refresh();
            }

            @Override
            public void onDelete(EndpointSlice obj, boolean deletedFinalStateUnknown) {
                refresh();
            }
        });
        refresh();
    }

    /** JVM options that make a Java process resolve names like a process inside the cluster. */
    public List<String> javaOptions() {
        return List.of("-Djdk.net.hosts.file=" + hosts.path(), "-Dsun.net.inetaddr.negative.ttl=1");
    }

    public Path hostsFile() {
        return hosts.path();
    }

    private synchronized void refresh() {
        if (slices == null) {
            return;
        }
        Map<String, List<String>> names = new HashMap<>();
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
        hosts.replace(names);
    }

    @Override
    public void close() {
        slices.close();
    }
}
