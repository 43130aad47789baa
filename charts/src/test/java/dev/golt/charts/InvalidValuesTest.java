package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad values stop `helm template` (and so `helm install`) with a message naming the value. */
class InvalidValuesTest {

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of(Map.of("replicaCount", -1), "at '/replicaCount': minimum: got -1, want 0"),
                Arguments.of(Map.of("replicaCount", 2), "at '/replicaCount': maximum: got 2, want 1"),
                Arguments.of(Map.of("replicas", 3), "additional properties 'replicas' not allowed"),
                Arguments.of(Map.of("metrics.podMonitor.enable", true), "at '/metrics/podMonitor': additional properties 'enable' not allowed"),
                Arguments.of(Map.of("image.pullPolicy", "Sometimes"), "at '/image/pullPolicy'"),
                Arguments.of(Map.of("logLevel", "verbose"), "at '/logLevel'"),
                Arguments.of(Map.of("watchNamespaces[0]", "Team_A"), "at '/watchNamespaces/0'"),
                Arguments.of(Map.of("httpPort", 70000), "at '/httpPort': maximum"),
                Arguments.of(Map.of("metrics.podMonitor.interval", "often"), "at '/metrics/podMonitor/interval'"),
                Arguments.of(Map.of("resources.limits.memory", "lots"), "at '/resources/limits/memory'"),
                Arguments.of(Map.of("serviceAccount.create", false),
                        "serviceAccount.name is required when serviceAccount.create is false"),
                Arguments.of(Map.of("metrics.enabled", false, "metrics.serviceMonitor.enabled", true),
                        "metrics.serviceMonitor.enabled needs metrics.enabled"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void templateFailsWithAClearMessage(Map<String, Object> set, String message) {
        assertThatThrownBy(() -> Chart.template(List.of(), set))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message);
    }
}
