package dev.golt.e2e.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Golt operator as a separate process, launched the way its container image does
 * ({@code java -jar golt-operator.jar} with {@code lib/} beside it), configured only through
 * its production inputs: a kubeconfig file ({@code KUBECONFIG}) with the token of the chart's
 * ServiceAccount, {@code WATCH_NAMESPACES}, {@code GOLT_OPERATOR_HTTP}, plus the test cluster's
 * DNS options so it resolves pod names.
 */
final class OperatorProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final ProcessBuilder builder;

    private final Thread killOnExit;

    private OperatorProcess(ProcessBuilder builder, Path log) throws IOException {
        this.builder = builder;
        this.process = builder.start();
        this.log = log;
        this.killOnExit = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static Path jar(Path projectRoot) throws IOException {
        Path target = projectRoot.resolve("operator/target");
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("golt-operator-.*\\.jar")
                            && !p.getFileName().toString().endsWith("-tests.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no operator jar in " + target + ": build it first (./mvnw -pl operator -am package)"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("no " + target + ": build the operator first (./mvnw -pl operator -am package)", e);
        }
    }

    static OperatorProcess start(Path jar, Path kubeconfig, String namespace, List<String> javaOptions, Path workDir)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toString()));
        Path log = workDir.resolve("operator.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", workDir.toString());
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("WATCH_NAMESPACES", namespace);
        pb.environment().put("GOLT_OPERATOR_HTTP", "127.0.0.1:0");
        return new OperatorProcess(pb, log);
    }

    /**
     * Stops this process (SIGTERM, as a pod deletion would; SIGKILL after 15 s) and starts a new one
     * with the same command, environment and log file, as a restarted operator pod would be.
     */
    OperatorProcess restart() throws IOException, InterruptedException {
        close();
        return new OperatorProcess(builder, log);
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
