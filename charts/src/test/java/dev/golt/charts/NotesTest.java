package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What `helm install` prints: the next steps, as commands that work when pasted. */
class NotesTest {

    @Test
    void defaultNotesTellWhatToApplyNext() throws IOException {
        String notes = notes(null);

        assertThat(notes).contains("in every namespace")
                .contains("kubectl -n " + Chart.NAMESPACE + " rollout status deployment/golt-golt-operator")
                .contains("kubectl apply -f - <<'YAML'\n" + Files.readString(Chart.DIR.resolve("examples/goltcluster.yaml")).strip() + "\nYAML\n")
                .contains("kubectl get golt -w")
                .contains("kubectl port-forward service/demo 8000:8000");
    }

    @Test
    void namespacedNotesUseAWatchedNamespace() {
        String notes = notes(Chart.values("namespaced.yaml"));

        assertThat(notes).contains("in: team-a, team-b")
                .contains("kubectl apply -n team-a -f - <<'YAML'")
                .contains("kubectl get golt -n team-a -w")
                .contains("kubectl port-forward -n team-a service/demo");
    }

    private static String notes(Path valuesFile) {
        var install = Chart.helm().install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
                .withKubeVersion(Chart.KUBE_VERSION).clientOnly().dryRun();
        if (valuesFile != null) {
            install.withValuesFile(valuesFile);
        }
        String output = install.call().getOutput();
        return output.substring(output.indexOf("NOTES:"));
    }
}
