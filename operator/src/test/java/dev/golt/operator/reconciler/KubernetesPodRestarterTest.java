package dev.golt.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The restarter against the API server's answers (fabric8's mock server in expectation mode). */
@EnableKubernetesMockClient
class KubernetesPodRestarterTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void anEvictionTheBudgetRefusesIsReportedAtOnceAndNotRetriedByTheClient() throws Exception {
        server.expect().post().withPath("/api/v1/namespaces/ns/pods/golt-1/eviction")
                .andReturn(429, new StatusBuilder().withCode(429).withReason("TooManyRequests")
                        .withMessage("Cannot evict pod as it would violate the pod's disruption budget.").build())
                .always();
        int before = server.getRequestCount();
        Pod pod = new PodBuilder().withNewMetadata().withName("golt-1").withNamespace("ns").withUid("u1")
                .withResourceVersion("7").endMetadata().build();

        PodRestarter.Outcome outcome = new KubernetesPodRestarter(client).restart(pod, true);

        assertThat(outcome).isEqualTo(PodRestarter.Outcome.REFUSED_BY_BUDGET);
        assertThat(server.getRequestCount() - before).as("eviction requests sent").isEqualTo(1);
        assertThat(server.getLastRequest().getBody().readUtf8()).contains("\"uid\":\"u1\"").contains("\"resourceVersion\":\"7\"");
    }
}
