package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodDisruptionBudgetSpec {
    @Default("true")
    public Boolean enabled;
}
