package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GoltClusterStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();
    public Integer replicas;
    public Integer readyReplicas;
    public String leader;
    public List<MemberStatus> members = new ArrayList<>();
    /** Ids that bootstrapped the cluster; fixed at creation so the pod template never changes on scale. */
    public List<String> initialMembers;
    public String currentImage;
    public SnapshotStatus lastSnapshot;
}
