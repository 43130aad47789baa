package dev.golt.e2e.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Golt operator as a separate process — {@code java -jar golt-operator.jar} with {@code lib/}
 * beside it, or its container image ({@code OperatorImageE2eTest}) — configured only through its
 * production inputs: a kubeconfig file ({@code KUBECONFIG}) with the token of the chart's
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

    /** How the operator is started: as a JVM process from the build's jar, or from its container image. */
    interface Launcher {
        /**
         * The operator's command and environment: its kubeconfig (the chart ServiceAccount's token),
         * the namespaces it watches ("" = all), the JVM options that make it resolve pod names, and
         * a folder of its own.
         */
        ProcessBuilder command(Path kubeconfig, String namespace, List<String> dnsOptions, Path workDir) throws IOException;
    }

    /**
     * The jar launcher: {@code java -jar golt-operator.jar} from private copies of the jar and
     * {@code lib/} (a rebuild of the module during the run must not change jars under running JVMs).
     */
    static Launcher fromJar(Path projectRoot) throws IOException {
        Path built = jar(projectRoot);
        return (kubeconfig, namespace, dnsOptions, workDir) -> {
            Path app = Files.createDirectories(workDir.resolve("app"));
            KubeEnvironment.copyTree(built.resolveSibling("lib"), app.resolve("lib"));
            Path jar = Files.copy(built, app.resolve(built.getFileName()));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            command.addAll(dnsOptions);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
            pb.environment().clear();
            pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            pb.environment().put("HOME", workDir.toString());
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            pb.environment().put("WATCH_NAMESPACES", namespace);
            pb.environment().put("GOLT_OPERATOR_HTTP", "127.0.0.1:0");
            return pb;
        };
    }

    static OperatorProcess start(Launcher launcher, Path kubeconfig, String namespace, List<String> dnsOptions, Path workDir)
            throws IOException {
        Path log = workDir.resolve("operator.log");
        ProcessBuilder pb = launcher.command(kubeconfig, namespace, dnsOptions, workDir).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
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
