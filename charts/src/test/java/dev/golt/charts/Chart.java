package dev.golt.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The golt-operator chart as the tests see it: its directory, and manifests rendered by Helm. */
final class Chart {

    static final Path DIR = locate();
    static final String RELEASE = "golt";
    static final String NAMESPACE = "golt-system";
    /** Helm's embedded default (v1.20) is older than the chart's kubeVersion floor. */
    static final String KUBE_VERSION = "v1.31.0";

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private Chart() {
    }

    static Helm helm() {
        return new Helm(DIR);
    }

    /** {@code helm template} of the chart, with the given values files and --set pairs. */
    static String template(List<Path> valuesFiles, Map<String, Object> set) {
        TemplateCommand command = helm().template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        valuesFiles.forEach(command::withValuesFile);
        set.forEach(command::set);
        return command.call();
    }

    static List<HasMetadata> render(List<Path> valuesFiles, Map<String, Object> set) {
        return parse(template(valuesFiles, set));
    }

    static List<HasMetadata> render(String valuesFile) {
        return render(List.of(values(valuesFile)), Map.of());
    }

    static List<HasMetadata> renderDefaults() {
        return render(List.of(), Map.of());
    }

    static Path values(String name) {
        return Path.of("src/test/resources/values").resolve(name).toAbsolutePath();
    }

    /** Each YAML document of a multi-document stream, as the typed fabric8 model of its kind. */
    static List<HasMetadata> parse(String manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(manifests)) {
            if (document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            objects.add(Serialization.unmarshal(document));
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(o -> (T) o).toList();
    }

    static <T extends HasMetadata> T single(List<HasMetadata> objects, Class<T> type) {
        List<T> found = ofType(objects, type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.getFirst();
    }

    private static Path locate() {
        // Surefire runs in the module directory (charts/); an IDE may run from the repository root.
        for (Path candidate : List.of(Path.of("golt-operator"), Path.of("charts", "golt-operator"))) {
            if (Files.isRegularFile(candidate.resolve("Chart.yaml"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("charts/golt-operator/Chart.yaml not found from " + Path.of("").toAbsolutePath());
    }
}
