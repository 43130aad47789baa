package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Node URLs built from pod IPs. */
class ClusterObserverTest {

    private static URI endpointOf(String ip) {
        return ClusterObserver.podIpEndpoints(8000)
                .apply(new PodBuilder().withNewStatus().withPodIP(ip).endStatus().build());
    }

    @Test
    void anIpv4PodIpIsUsedAsIs() {
        assertThat(endpointOf("10.1.2.3")).isEqualTo(URI.create("http://10.1.2.3:8000"));
    }

    @Test
    void anIpv6PodIpIsBracketed() {
        URI uri = endpointOf("fd00:10:244::5");
        assertThat(uri).isEqualTo(URI.create("http://[fd00:10:244::5]:8000"));
        assertThat(uri.getPort()).isEqualTo(8000);
        assertThat(uri.getHost()).isEqualTo("[fd00:10:244::5]");
    }
}
