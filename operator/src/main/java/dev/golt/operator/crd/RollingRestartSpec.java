package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollingRestartSpec {
    @Min(10)
    @JsonPropertyDescription("A restarted pod not ready after this long stops the roll with Degraded.")
    public Long readyTimeoutSeconds;

    @Min(0)
    @JsonPropertyDescription("A member whose applied index trails the leader's commit index by more is lagging.")
    public Long maxLagEntries;
}
