package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SnapshotStatus {
    /** Highest snapshot index reported by the members. */
    public Long index;
    /** RFC 3339 time the snapshot round finished. */
    public String time;
    /** Value of the golt.dev/snapshot annotation this round answered, if any. */
    public String annotation;
}
