package dev.golt.e2e.kube;

import com.marcnuri.helm.Helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code helm template} of a chart, run in a child JVM. helm-java loads Helm's Go library into the
 * process, and the Go runtime then takes SIGINT and SIGTERM from the JVM: a test run or
 * {@code bin/golt-kube-local} that had rendered the chart in-process no longer ran its shutdown
 * hooks on Ctrl-C or SIGTERM, leaving the control plane and the pods running.
 */
public final class ChartTemplate {
    private ChartTemplate() {
    }

    /** The rendered manifests of {@code chart} for release {@code name} in {@code namespace}. */
    static String render(Path chart, String name, String namespace, String kubeVersion, Path valuesFile)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ChartTemplate.class.getName(), chart.toString(), name, namespace, kubeVersion));
        if (valuesFile != null) {
            command.add(valuesFile.toString());
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("helm template of " + chart + " failed (exit " + p.exitValue() + ")");
        }
        return out;
    }

    /** Arguments: chart, release name, namespace, Kubernetes version, [values file]. */
    public static void main(String[] args) {
        var template = new Helm(Path.of(args[0])).template().withName(args[1]).withNamespace(args[2]).withKubeVersion(args[3]);
        if (args.length > 4) {
            template.withValuesFile(Path.of(args[4]));
        }
        System.out.print(template.call());
        System.out.flush();
    }
}
