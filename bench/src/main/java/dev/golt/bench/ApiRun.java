package dev.golt.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything the etcd-API benchmark measured on one system; {@code failure} is set if it could not finish. */
public final class ApiRun {

    /**
     * One run of the tool in one cell.
     *
     * @param member           the member whose gRPC endpoint the tool was given (the leader then), or "all"
     * @param serverCpuSeconds user+system CPU of the three server processes while the tool ran
     * @param leaderCpuSeconds the same, of the leader alone
     */
    public record Cell(ApiWorkload workload, int clients, int conns, int total, int repeat, String member,
                       String endpoints, EtcdBenchmarkTool.Run run, double serverCpuSeconds, double leaderCpuSeconds) {

        /** The summary the table shows: watch-latency's watch events, the only one of the other commands. */
        public ToolSummary summary() {
            List<ToolSummary> s = run.summaries();
            if (s.isEmpty()) {
                return null;
            }
            if (workload == ApiWorkload.WATCH_LATENCY) {
                return s.stream().filter(x -> x.title() != null && x.title().toLowerCase().startsWith("watch"))
                        .findFirst().orElse(null);
            }
            return s.getFirst();
        }

        /** watch-latency's Put summary (the Puts that trigger the events), else null. */
        public ToolSummary putSummary() {
            if (workload != ApiWorkload.WATCH_LATENCY) {
                return null;
            }
            return run.summaries().stream().filter(x -> x.title() != null && x.title().toLowerCase().startsWith("put"))
                    .findFirst().orElse(null);
        }

        /** Why the cell has no result, or null. */
        public String error() {
            if (run.error() != null) {
                if (workload == ApiWorkload.WATCH_LATENCY && run.error().matches(".* at 0 / \\d+$")) {
                    return run.error() + " (no watch event arrived)";
                }
                return run.error();
            }
            return summary() == null ? "no " + (workload == ApiWorkload.WATCH_LATENCY ? "watch events " : "") + "summary printed" : null;
        }

        public boolean ok() {
            return error() == null;
        }
    }

    public final String system;
    public String version = "?";
    public String binary;
    public String failure;
    public double startSeconds = Double.NaN;
    /** The leader when the first cell started. */
    public String leader;
    public final Map<String, String> grpcEndpoints = new LinkedHashMap<>();
    public final List<Cell> cells = new ArrayList<>();
    public final Map<String, SystemRun.MemberUsage> members = new LinkedHashMap<>();
    public LeaseKeepAliveCheck.Result lease;

    public ApiRun(String system) {
        this.system = system;
    }

    public List<Cell> cells(ApiWorkload w, int clients) {
        return cells.stream().filter(c -> c.workload() == w && c.clients() == clients).toList();
    }
}
