package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GoltClusterSpec {

    @Required
    @Min(1)
    @Max(9)
    @JsonPropertyDescription("Number of Raft members (1..9); odd numbers are recommended.")
    public Integer replicas = 3;

    @Required
    @JsonPropertyDescription("Container image of the Golt node.")
    public String image;

    @Default("IfNotPresent")
    public PullPolicy imagePullPolicy;

    @JsonPropertyDescription("Compute resources of the node container.")
    public ResourceRequirements resources;

    public StorageSpec storage;

    public RaftSpec raft;

    public SnapshotSpec snapshots;

    public PodDisruptionBudgetSpec podDisruptionBudget;

    public RollingRestartSpec rollingRestart;

    @JsonPropertyDescription("When true the operator changes nothing (status is still updated).")
    public Boolean paused;

    public enum PullPolicy { Always, IfNotPresent, Never }
}
