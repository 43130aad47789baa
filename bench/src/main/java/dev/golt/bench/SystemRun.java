package dev.golt.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything measured on one system during a run; {@code failure} is set if it could not finish. */
public final class SystemRun {

    /** One measured cell repeat. */
    public record Cell(Workload workload, int clients, int repeat, String member, Measurement measurement) {}

    /** Resident memory at the end of the system's run and CPU seconds over its whole lifetime. */
    public record MemberUsage(long pid, double residentMiB, double cpuSeconds) {}

    public final String system;
    public String version = "?";
    public final List<Cell> cells = new ArrayList<>();
    public final Map<String, MemberUsage> members = new LinkedHashMap<>();
    public String failure;
    /** Seconds from launching the members to a leader serving (the first start, empty data). */
    public double startSeconds = Double.NaN;
    /** One per repeat: kill -9 of all members, then started again on their data. */
    public final List<LocalCluster.Recovery> recoveries = new ArrayList<>();

    public SystemRun(String system) {
        this.system = system;
    }

    public List<Measurement> measurements(Workload workload, int clients) {
        return cells.stream().filter(c -> c.workload() == workload && c.clients() == clients)
                .map(Cell::measurement).toList();
    }
}
