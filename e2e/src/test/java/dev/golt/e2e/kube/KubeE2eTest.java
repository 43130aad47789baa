package dev.golt.e2e.kube;

import dev.golt.e2e.GoltScenarios;
import dev.golt.e2e.ScenarioSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios on the real control plane: real API server, controllers and scheduler, the real
 * operator process with the chart's RBAC, real node processes run by the {@link TestKubelet}. One
 * cluster goes through scenarios 1–9 in order.
 */
class KubeE2eTest extends ScenarioSuite {
    /** Scenarios 1–9 change the spec about ten times: a dependent is rewritten about as often. */
    private static final long MAX_WRITES_PER_OBJECT = 30;
    /** Status is written on every change of what it reports (about 50 times in scenarios 1–9); a loop writes thousands. */
    private static final long MAX_STATUS_WRITES = 300;
    private KubeEnvironment env;

    @BeforeAll
    void start() throws Exception {
        env = KubeEnvironment.start("golt-e2e");
        scenarios = new GoltScenarios(env);
    }

    /**
     * After scenarios 1–9: RBAC as the chart renders it never refused the operator, and the operator
     * rewrote no object over and over (each write of a dependent follows a change of the spec or of
     * the cluster; a dependent that never matches its desired state shows up here by the hundreds).
     */
    @Test
    @Order(10)
    void theOperatorWasNeverRefusedAndRewroteNothingInALoop() throws Exception {
        OperatorAudit audit = OperatorAudit.read(env.controlPlane().auditLog(), env.operatorUser());
        System.out.println("operator requests by verb and resource: " + audit.verbsUsed());
        assertThat(audit.requests()).as("operator requests in the audit log").isNotEmpty();
        assertThat(audit.denied()).as("operator requests RBAC refused").isEmpty();
        audit.writesPerObject().forEach((object, writes) -> assertThat(writes).as("writes of %s over scenarios 1-9", object)
                .isLessThanOrEqualTo(object.contains("/status ") ? MAX_STATUS_WRITES : MAX_WRITES_PER_OBJECT));
    }

    @AfterAll
    void stop() throws Exception {
        if (env != null) {
            Path workDir = env.workDir();
            env.close();
            assertThat(env.runningNodeProcesses()).isZero();
            assertThat(Files.exists(workDir) && !Boolean.getBoolean("golt.e2e.keepWork")).isFalse();
        }
    }
}
