package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** What the user asks for; the schema rules here are checked by the API server before the operator sees them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.storage) && has(self.storage.size) ? self.storage.size : '1Gi')"
        + " == (has(oldSelf.storage) && has(oldSelf.storage.size) ? oldSelf.storage.size : '1Gi')",
        message = "spec.storage.size cannot be changed after creation (StatefulSet claim templates are immutable)")
@ValidationRule(value = "(has(self.storage) && has(self.storage.storageClassName) ? self.storage.storageClassName : '')"
        + " == (has(oldSelf.storage) && has(oldSelf.storage.storageClassName) ? oldSelf.storage.storageClassName : '')",
        message = "spec.storage.storageClassName cannot be changed after creation (StatefulSet claim templates are immutable)")
public class GoltClusterSpec {

    @SpecReplicas
    @Default("3")
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

    @Default("text")
    @JsonPropertyDescription("The nodes' log format: text (a line per event) or json (one JSON object per line, for"
            + " log pipelines). A change rolls the pods.")
    public LogFormat logFormat;

    public enum PullPolicy { Always, IfNotPresent, Never }

    public enum LogFormat { text, json }
}
