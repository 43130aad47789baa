package dev.golt.e2e.local;

import dev.golt.e2e.GoltScenarios;
import dev.golt.e2e.ScenarioSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios in local mode: mock API server, real operator process, real node processes run by
 * the {@link PodRunner}. One cluster goes through scenarios 1–9 in order.
 */
class LocalE2eTest extends ScenarioSuite {
    private LocalEnvironment env;

    @BeforeAll
    void start() throws Exception {
        env = LocalEnvironment.start("golt-e2e");
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
