package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

    public static final String QUANTITY_PATTERN = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    @Default("1Gi")
    @Pattern(QUANTITY_PATTERN)
    @JsonPropertyDescription("Size of each member's PersistentVolumeClaim.")
    public String size;

    @JsonPropertyDescription("StorageClass of the claims; the cluster default when absent.")
    public String storageClassName;

    @Default("Retain")
    @JsonPropertyDescription("What happens to the claim of a member removed by scale-down.")
    public ClaimPolicy claimOnScaleDown;

    public enum ClaimPolicy { Retain, Delete }
}
