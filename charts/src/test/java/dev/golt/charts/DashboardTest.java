package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DashboardTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Set<String> GRAFANA_BUILTINS = Set.of("__rate_interval", "__interval", "__range");

    private static JsonNode dashboard;

    @BeforeAll
    static void load() throws IOException {
        dashboard = new ObjectMapper().readTree(Chart.DIR.resolve("dashboards/golt-nodes.json").toFile());
    }

    @Test
    void hasAStableIdentity() {
        assertThat(dashboard.path("uid").asText()).isEqualTo("golt-nodes");
        assertThat(dashboard.path("title").asText()).isNotBlank();
    }

    @Test
    void panelsHaveUniqueIdsAndEveryGraphHasAQuery() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("duplicate panel id %s", panel.path("id")).isTrue();
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("targets")).as("targets of %s", panel.path("title")).isNotEmpty();
                panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).as(panel.path("title").asText()).isNotBlank());
            }
        }
    }

    @Test
    void everyVariableUsedIsDefined() {
        Set<String> defined = new HashSet<>(GRAFANA_BUILTINS);
        dashboard.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        List<String> used = new ArrayList<>();
        Matcher matcher = VARIABLE.matcher(dashboard.toString());
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        assertThat(used).isNotEmpty();
        assertThat(defined).containsAll(used);
    }

    @Test
    void showsTheRaftMetricsOfTheNodeContract() {
        String queries = dashboard.path("panels").findValuesAsText("expr").toString();

        assertThat(queries).contains("golt_raft_term", "golt_raft_leader_changes_total", "golt_raft_elections_total")
                .contains("sum by (cause) (increase(golt_raft_elections_total", "golt_raft_prevote_campaigns_total");
    }

    @Test
    void showsTheCoordinationMetricsOfTheEtcdApi() {
        String queries = dashboard.path("panels").findValuesAsText("expr").toString();

        assertThat(queries).contains("golt_mvcc_revision", "golt_mvcc_compacted_revision", "golt_mvcc_events_total",
                "golt_lease_count", "golt_lease_revoked_total", "golt_watch_watchers", "golt_mvcc_compactions_total");
    }
}
