package dev.golt.e2e;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scenarios 1–9 in order against one cluster; each mode (local, k3s) extends this and sets
 * {@link #scenarios} up in its {@code @BeforeAll}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ScenarioSuite {
    protected GoltScenarios scenarios;

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
