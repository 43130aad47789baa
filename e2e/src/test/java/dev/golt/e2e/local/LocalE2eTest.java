package dev.golt.e2e.local;

import dev.golt.e2e.GoltScenarios;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios in local mode: mock API server, real operator process, real node processes run by
 * the {@link PodRunner}. One cluster goes through scenarios 1–9 in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalE2eTest {
    private LocalEnvironment env;
    private GoltScenarios scenarios;

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

    @Test
    @Order(1)
    void createThreeMembersBecomesReady() {
        scenarios.createThreeMembersBecomesReady();
    }

    @Test
    @Order(2)
    void writeThroughOnePodReadEverywhere() throws Exception {
        scenarios.writeThroughOnePodReadEverywhere();
    }

    @Test
    @Order(3)
    void scaleUpThenDown() throws Exception {
        scenarios.scaleUpThenDown();
    }

    @Test
    @Order(4)
    void rollingRestartUnderLoad() throws Exception {
        scenarios.rollingRestartUnderLoad();
    }

    @Test
    @Order(5)
    void killedMemberRecovers() throws Exception {
        scenarios.killedMemberRecovers();
    }

    @Test
    @Order(6)
    void snapshotOnAnnotation() throws Exception {
        scenarios.snapshotOnAnnotation();
    }

    @Test
    @Order(7)
    void pauseHoldsSpecChanges() throws Exception {
        scenarios.pauseHoldsSpecChanges();
    }

    @Test
    @Order(8)
    void invalidSpecTouchesNothing() throws Exception {
        scenarios.invalidSpecTouchesNothing();
    }

    @Test
    @Order(9)
    void deleteRemovesEverything() {
        scenarios.deleteRemovesEverything();
    }
}
