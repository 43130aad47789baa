package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** One member of the Raft configuration as the leader reports it (no indexes: they change with every write). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberStatus {
    @Required
    public String id;
    public String role;
    public Boolean ready;

    public MemberStatus() {
    }

    public MemberStatus(String id, String role, Boolean ready) {
        this.id = id;
        this.role = role;
        this.ready = ready;
    }
}
