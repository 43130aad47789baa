package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberStatus {
    public String id;
    public String role;
    public Boolean ready;
    public Long appliedIndex;

    public MemberStatus() {
    }

    public MemberStatus(String id, String role, Boolean ready, Long appliedIndex) {
        this.id = id;
        this.role = role;
        this.ready = ready;
        this.appliedIndex = appliedIndex;
    }
}
