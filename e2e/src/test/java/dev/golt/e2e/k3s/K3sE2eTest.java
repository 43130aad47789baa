package dev.golt.e2e.k3s;

import dev.golt.e2e.GoltScenarios;
import dev.golt.e2e.ScenarioSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scenarios on a real Kubernetes (k3s in a container), opt-in: {@code -De2e.k3s=true} and a
 * Docker-compatible engine. Needs the Maven output of node/server and operator (run it after
 * {@code ./mvnw package} or as part of {@code ./mvnw verify}).
 */
class K3sE2eTest extends ScenarioSuite {
    private K3sEnvironment env;

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
}
