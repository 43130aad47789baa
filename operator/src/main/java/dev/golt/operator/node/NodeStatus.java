package dev.golt.operator.node;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** A node's answer to {@code GET /status} (NODE-CONTRACT.md). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeStatus(String nodeId, String state, long term, long commitIndex, long appliedIndex,
                         long logLength, long snapshotIndex, String leader, boolean isLeader,
                         List<Member> members) {

    public NodeStatus {
        members = members == null ? List.of() : List.copyOf(members);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(String id, String address, String role, Long matchIndex) {
        public boolean voter() {
            return "voter".equals(role);
        }
    }
}
