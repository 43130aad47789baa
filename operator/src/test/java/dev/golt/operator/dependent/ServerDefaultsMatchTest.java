package dev.golt.operator.dependent;

import dev.golt.operator.TestClusters;
import dev.golt.operator.model.GoltClusterModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesResourceMatcher;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desired objects still match after a real API server added its defaults (the fabric8 mock adds
 * none), so the operator does not rewrite them on every pass. The "actual" objects here are what
 * kube-apiserver 1.37 returned for the desired ones (seen on the e2e control plane).
 */
class ServerDefaultsMatchTest {

    @Test
    void theHeadlessServiceWithTheApiServersDefaultsMatchesTheDesiredOne() {
        GoltClusterModel model = new GoltClusterModel(TestClusters.cluster("golt", 3));
        Service desired = model.generateHeadlessService();
        Service actual = Serialization.clone(desired);
        actual.getSpec().setClusterIPs(List.of("None"));
        actual.getSpec().setType("ClusterIP");
        actual.getSpec().setSessionAffinity("None");
        actual.getSpec().setInternalTrafficPolicy("Cluster");
        actual.getSpec().setIpFamilies(List.of("IPv4"));
        actual.getSpec().setIpFamilyPolicy("SingleStack");
        assertThat(matches(desired, actual)).isTrue();
    }

    @Test
    void theClientServiceWithTheApiServersDefaultsMatchesTheDesiredOne() {
        GoltClusterModel model = new GoltClusterModel(TestClusters.cluster("golt", 3));
        Service desired = model.generateClientService();
        Service actual = Serialization.clone(desired);
        actual.getSpec().setClusterIP("10.96.40.23");
        actual.getSpec().setClusterIPs(List.of("10.96.40.23"));
        actual.getSpec().setSessionAffinity("None");
        actual.getSpec().setInternalTrafficPolicy("Cluster");
        actual.getSpec().setIpFamilies(List.of("IPv4"));
        actual.getSpec().setIpFamilyPolicy("SingleStack");
        assertThat(matches(desired, actual)).isTrue();
    }

    private static <R extends HasMetadata> boolean matches(R desired, R actual) {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            @SuppressWarnings("unchecked")
            Context<HasMetadata> context = (Context<HasMetadata>) Proxy.newProxyInstance(
                    ServerDefaultsMatchTest.class.getClassLoader(), new Class<?>[]{Context.class},
                    (proxy, method, args) -> method.getName().equals("getClient") ? client : null);
            return GenericKubernetesResourceMatcher.match(desired, actual, false, false, context).matched();
        }
    }
}
