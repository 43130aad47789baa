package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SnapshotSpec {
    @Min(60)
    @JsonPropertyDescription("Take a snapshot on every member this often; no scheduled snapshots when absent.")
    public Long intervalSeconds;
}
