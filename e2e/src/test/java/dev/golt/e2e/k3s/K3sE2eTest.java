package dev.golt.e2e.k3s;

import dev.golt.e2e.GoltScenarios;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scenarios on a real Kubernetes (k3s in a container), opt-in: {@code -De2e.k3s=true} and a
 * Docker-compatible engine. Needs the Maven output of node/server and operator (run it after
 * {@code ./mvnw package} or as part of {@code ./mvnw verify}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sE2eTest {
    private K3sEnvironment env;
    private GoltScenarios scenarios;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Boolean.getBoolean("e2e.k3s"),
                "k3s e2e skipped: opt in with -De2e.k3s=true (needs a Docker-compatible engine)");
        assumeTrue(K3sEnvironment.dockerAvailable(),
                "k3s e2e skipped: -De2e.k3s=true was given but no Docker-compatible engine answers");
        env = K3sEnvironment.start("golt-e2e");
        scenarios = new GoltScenarios(env);
    }

    @AfterAll
    void stop() {
        if (env != null) {
            env.close();
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
