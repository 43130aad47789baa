package dev.golt.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Owns every server process and temp directory the benchmark creates. Processes are stopped by
 * their own handle (SIGTERM, then SIGKILL after a grace period) — never by name — and a JVM
 * shutdown hook does the same if the run fails or is interrupted with Ctrl-C.
 */
public final class ProcessSupervisor implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> tempDirs = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "bench-cleanup");

    public ProcessSupervisor() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public synchronized Path newTempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            tempDirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a process with stdout and stderr appended to {@code log}. */
    public Process start(List<String> command, Path log) {
        return start(command, Map.of(), log);
    }

    /** Starts a process with {@code env} added to this one's environment. */
    public synchronized Process start(List<String> command, Map<String, String> env, Path log) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /** Starts a process (a load tool) with stdout and stderr in files of their own. */
    public synchronized Process start(List<String> command, Path stdout, Path stderr) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /** Stops the given processes (all at once, each by its PID) and forgets them. */
    public synchronized void stop(List<Process> group) {
        for (Process p : group) {
            p.destroy();
        }
        for (Process p : group) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.removeAll(group);
    }

    public synchronized void deleteDir(Path dir) {
        deleteRecursively(dir);
        tempDirs.remove(dir);
    }

    private synchronized void cleanUp() {
        stop(new ArrayList<>(processes));
        for (Path dir : new ArrayList<>(tempDirs)) {
            deleteDir(dir);
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or ran: nothing left to do
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
