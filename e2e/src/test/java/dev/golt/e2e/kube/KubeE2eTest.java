package dev.golt.e2e.kube;

import dev.golt.e2e.GoltScenarios;
import dev.golt.e2e.ScenarioSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios on the real control plane: real API server, controllers and scheduler, the real
 * operator process with the chart's RBAC, real node processes run by the {@link TestKubelet}. One
 * cluster goes through scenarios 1–9 in order.
 */
class KubeE2eTest extends ScenarioSuite {
    private KubeEnvironment env;

    @BeforeAll
    void start() throws Exception {
        env = KubeEnvironment.start("golt-e2e");
        scenarios = new GoltScenarios(env);
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
