package dev.golt.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Node tuning; every field maps to one GOLT_* environment variable of the node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RaftSpec {
    @Min(1) @Max(1000) public Integer tickMs;
    @Min(2) @Max(1000) public Integer electionTicksMin;
    @Min(2) @Max(2000) public Integer electionTicksMax;
    @Min(1) @Max(100) public Integer heartbeatTicks;
    @Min(1) public Long snapshotThresholdEntries;
    @Min(0) public Long snapshotKeepEntries;
    @Min(1) public Long memtableBytes;
    @Min(0) public Long cacheBytes;
    public Boolean walFsync;
    @Min(1) public Integer maxKeyBytes;
    @Min(1) public Integer maxValueBytes;
}
