package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed. Only slow-moving facts: a field that changes with every client write
 * (applied indexes) would make each pass rewrite the status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GoltClusterStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();
    @StatusReplicas
    public Integer replicas;
    /** Label selector of the member pods, for the scale subresource ({@code kubectl scale golt}). */
    @LabelSelector
    public String selector;
    public Integer readyReplicas;
    public String leader;
    public List<MemberStatus> members = new ArrayList<>();
    /** Ids that bootstrapped the cluster; fixed at creation so the pod template never changes on scale. */
    public List<String> initialMembers;
    /**
     * True once a leader reported a configuration holding every initial member; never reset. From
     * then on the bootstrap ConfigMap says {@code existing}, so no empty member bootstraps again.
     */
    public Boolean bootstrapped;
    public String currentImage;
    public SnapshotStatus lastSnapshot;
}
