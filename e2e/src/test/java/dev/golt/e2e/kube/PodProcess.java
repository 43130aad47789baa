package dev.golt.e2e.kube;

import io.fabric8.kubernetes.api.model.Probe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kubelet's job for one pod with one container, as {@link TestKubelet} does it: runs the
 * container as a host process, restarts it after an exit as its {@code restartPolicy} says (with a
 * short crash-loop back-off), runs the readiness and liveness probes (httpGet; a failed liveness
 * probe kills the process, which then restarts like any exit), and on termination sends SIGTERM and
 * SIGKILL once the grace period is over. The launch is recomputed at every (re)start, as the
 * kubelet re-reads ConfigMap-backed environment when it starts a container.
 */
final class PodProcess {
    /** Crash-loop back-off: 1 s doubling to 8 s (the kubelet uses 10 s to 5 min; tests need speed). */
    private static final long MAX_BACKOFF_MS = 8_000;
    /**
     * Readiness probe periods are capped so tests notice readiness changes quickly. Liveness keeps
     * the pod's own period: it decides when a stalled process (a GC pause, a SIGSTOP) is killed.
     */
    private static final long MAX_READINESS_PERIOD_MS = 1_000;

    private final String name;
    private final Supplier<ContainerLaunch> launch;
    private final Path workDir;
    private final Path log;
    private final Probe readiness;
    private final Probe liveness;
    private final String restartPolicy;
    private final String podIp;
    private final Function<String, Integer> portNumber;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private volatile boolean terminating;
    private volatile boolean finished;
    private volatile Process process;
    private volatile boolean ready;
    private volatile Instant startedAt;
    private volatile Instant readySince;
    private volatile int restarts;
    private volatile Integer lastExitCode;
    private volatile String lastExitReason;
    private volatile String waitingReason = "ContainerCreating";
    private Thread supervisor;
    private Thread readinessProber;
    private Thread livenessProber;

    PodProcess(String name, Supplier<ContainerLaunch> launch, Path workDir, Path log, Probe readiness, Probe liveness,
               String restartPolicy, String podIp, Function<String, Integer> portNumber) {
        this.name = name;
        this.launch = launch;
        this.workDir = workDir;
        this.log = log;
        this.readiness = readiness;
        this.liveness = liveness;
        this.restartPolicy = restartPolicy == null ? "Always" : restartPolicy;
        this.podIp = podIp;
        this.portNumber = portNumber;
    }

    void start() {
        supervisor = Thread.ofVirtual().name("pod-" + name).start(this::supervise);
        readinessProber = Thread.ofVirtual().name("readiness-" + name).start(this::probeReadiness);
        livenessProber = Thread.ofVirtual().name("liveness-" + name).start(this::probeLiveness);
    }

    boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    boolean ready() {
        return ready && running();
    }

    /** The container exited and its restart policy says it stays so. */
    boolean finished() {
        return finished;
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant readySince() {
        return readySince;
    }

    int restarts() {
        return restarts;
    }

    Integer lastExitCode() {
        return lastExitCode;
    }

    String lastExitReason() {
        return lastExitReason;
    }

    String waitingReason() {
        return waitingReason;
    }

    Optional<ProcessHandle> handle() {
        Process p = process;
        return p == null || !p.isAlive() ? Optional.empty() : Optional.of(p.toHandle());
    }

    /**
     * SIGTERM (unless {@code ignoreSigterm}: a container that does not react to it), then SIGKILL
     * after {@code grace}; completes once the process is gone.
     */
    CompletableFuture<Void> terminate(Duration grace, boolean ignoreSigterm) {
        terminating = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("stop-" + name).start(() -> {
            try {
                supervisor.interrupt();
                readinessProber.interrupt();
                livenessProber.interrupt();
                Process p;
                synchronized (this) {
                    p = process;
                }
                if (p != null && p.isAlive()) {
                    if (!ignoreSigterm) {
                        p.destroy();
                    }
                    if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly().waitFor();
                    }
                }
                supervisor.join();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private void supervise() {
        long backoff = 1_000;
        while (!terminating) {
            int exit;
            try {
                ContainerLaunch l = launch.get();
                ProcessBuilder pb = new ProcessBuilder(l.command()).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                pb.environment().clear();
                pb.environment().putAll(l.env());
                synchronized (this) {
                    if (terminating) {
                        return;
                    }
                    process = pb.start();
                }
                startedAt = Instant.now();
                waitingReason = null;
                exit = process.waitFor();
                lastExitReason = exit == 0 ? "Completed" : "Error";
            } catch (InterruptedException e) {
                if (terminating) {
                    return;
                }
                continue;
            } catch (IOException | RuntimeException e) {
                appendLog("test kubelet: cannot start container: " + e);
                exit = 128;
                lastExitReason = "CreateContainerConfigError";
            }
            ready = false;
            readySince = null;
            lastExitCode = exit;
            if (terminating) {
                return;
            }
            if ("Never".equals(restartPolicy) || ("OnFailure".equals(restartPolicy) && exit == 0)) {
                finished = true;
                return;
            }
            restarts++;
            waitingReason = "CrashLoopBackOff";
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private void probeReadiness() {
        probeLoop(readiness, 200, MAX_READINESS_PERIOD_MS, ok -> {
            if (ok && !ready) {
                readySince = Instant.now();
                ready = true;
            } else if (!ok && ready) {
                ready = false;
                readySince = null;
            }
        });
    }

    private void probeLiveness() {
        if (liveness == null) {
            return;
        }
        probeLoop(liveness, 1_000, Long.MAX_VALUE, ok -> {
            if (!ok) {
                Process p = process;
                if (p != null && p.isAlive()) {
                    appendLog("test kubelet: liveness probe failed, killing the container");
                    p.destroyForcibly();
                }
            }
        });
    }

    /** Runs {@code probe} and reports each change of its outcome (after its success/failure thresholds). */
    private void probeLoop(Probe probe, long defaultPeriod, long maxPeriod, java.util.function.Consumer<Boolean> outcome) {
        int successes = 0;
        int failures = 0;
        long period = probe == null ? defaultPeriod : Math.min(seconds(probe.getPeriodSeconds(), 10) * 1000L, maxPeriod);
        while (!terminating) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            Instant started = startedAt;
            if (!running() || started == null) {
                successes = failures = 0;
                continue;
            }
            if (probe != null && Instant.now().isBefore(started.plusSeconds(seconds(probe.getInitialDelaySeconds(), 0)))) {
                continue;
            }
            if (probe == null || check(probe)) {
                failures = 0;
                if (++successes >= (probe == null ? 1 : seconds(probe.getSuccessThreshold(), 1))) {
                    outcome.accept(true);
                }
            } else {
                successes = 0;
                if (++failures >= seconds(probe.getFailureThreshold(), 3)) {
                    outcome.accept(false);
                    failures = 0;
                }
            }
        }
    }

    private boolean check(Probe probe) {
        var get = probe.getHttpGet();
        if (get == null) {
            throw new IllegalArgumentException("the test kubelet supports httpGet probes only");
        }
        String host = get.getHost() == null || get.getHost().isBlank() ? podIp : get.getHost();
        String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
        String path = get.getPath() == null ? "/" : get.getPath();
        int port = portNumber.apply(get.getPort().getStrVal() != null ? get.getPort().getStrVal() : String.valueOf(get.getPort().getIntVal()));
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + path))
                    .timeout(Duration.ofSeconds(seconds(probe.getTimeoutSeconds(), 1))).GET().build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int seconds(Integer value, int fallback) {
        return value == null || value <= 0 ? fallback : value;
    }

    private void appendLog(String line) {
        try {
            Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is diagnostics only
        }
    }
}
