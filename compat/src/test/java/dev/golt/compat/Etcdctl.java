// Runs the real etcdctl 3.5 binary against the cluster under test, in the foreground (exit code,
// stdout, stderr) or in the background (watch, lock, elect: output read while it runs, stopped by
// PID with SIGINT or SIGTERM). Every process it starts is stopped when it is closed.
package dev.golt.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

final class Etcdctl implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FOREGROUND_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final String endpoints;
    private final Path dir;
    private final AtomicInteger runs = new AtomicInteger();
    private final List<Background> background = new ArrayList<>();

    Etcdctl(Path binary, String endpoints, Path dir) throws IOException {
        this.binary = binary;
        this.endpoints = endpoints;
        this.dir = Files.createDirectories(dir);
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        JsonNode json() {
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("etcdctl did not print JSON: " + this, e);
            }
        }

        /** stdout split into lines, without the trailing empty one. */
        List<String> lines() {
            List<String> lines = new ArrayList<>(List.of(stdout.split("\n", -1)));
            if (!lines.isEmpty() && lines.getLast().isEmpty()) {
                lines.removeLast();
            }
            return lines;
        }

        Result assertOk() {
            if (exitCode != 0) {
                throw new AssertionError("etcdctl failed: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    private List<String> command(String... args) {
        return command(endpoints, args);
    }

    private List<String> command(String endpoints, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--endpoints=" + endpoints,
                "--dial-timeout=5s", "--command-timeout=20s"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private ProcessBuilder builder(List<String> cmd, Path out, Path err) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("ETCDCTL_API", "3");
        return pb;
    }

    /** Runs {@code etcdctl --endpoints=... args} to its end. */
    Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs {@code etcdctl --endpoints=ENDPOINTS args} to its end (etcdctl adds to a repeated --endpoints). */
    Result runAt(String endpoints, String... args) {
        return runCommand(command(endpoints, args), null);
    }

    /** Runs etcdctl with {@code stdin} as its standard input (null: none). */
    Result runWithInput(String stdin, String... args) {
        return runCommand(command(args), stdin);
    }

    private Result runCommand(List<String> cmd, String stdin) {
        int n = runs.incrementAndGet();
        Path out = dir.resolve("run-" + n + ".out");
        Path err = dir.resolve("run-" + n + ".err");
        try {
            ProcessBuilder pb = builder(cmd, out, err);
            Path in = null;
            if (stdin != null) {
                in = dir.resolve("run-" + n + ".in");
                Files.writeString(in, stdin);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (!p.waitFor(FOREGROUND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("etcdctl did not finish within " + FOREGROUND_TIMEOUT + ": "
                        + new Result(cmd, -1, Files.readString(out), Files.readString(err)));
            }
            return new Result(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Starts {@code etcdctl --endpoints=... args} in the background. */
    Background start(String... args) {
        List<String> cmd = command(args);
        int n = runs.incrementAndGet();
        Path out = dir.resolve("bg-" + n + ".out");
        Path err = dir.resolve("bg-" + n + ".err");
        try {
            ProcessBuilder pb = builder(cmd, out, err)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Background b = new Background(cmd, pb.start(), out, err);
            synchronized (background) {
                background.add(b);
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final class Background {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;

        private Background(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        String stdout() {
            try {
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String stderr() {
            try {
                return Files.readString(err, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Waits until stdout satisfies {@code condition}; fails with what was printed if it does not in time. */
        String awaitStdout(Predicate<String> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String s = stdout();
                if (condition.test(s)) {
                    return s;
                }
                if (!process.isAlive()) {
                    Thread.sleep(100); // let the last output land
                    s = stdout();
                    if (condition.test(s)) {
                        return s;
                    }
                    throw new AssertionError("etcdctl exited (" + process.exitValue() + ") before printing what was expected: "
                            + this);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("etcdctl did not print what was expected within " + timeout + ": " + this);
        }

        /** Waits for it to exit by itself; returns its exit code. */
        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("etcdctl still running after " + timeout + ": " + this);
            }
            return process.exitValue();
        }

        /** SIGINT, as Ctrl-C: etcdctl lock unlocks and etcdctl elect resigns before exiting. */
        void interrupt() throws InterruptedException {
            signal("INT");
        }

        private void signal(String name) throws InterruptedException {
            try {
                new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIGTERM, then SIGKILL if it is still running after 5 s. */
        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }

        @Override
        public String toString() {
            return String.join(" ", command) + (process.isAlive() ? " (running)" : " -> exit " + process.exitValue())
                    + "\n--- stdout:\n" + stdout() + "--- stderr:\n" + stderr();
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<Background> all;
        synchronized (background) {
            all = List.copyOf(background);
        }
        for (Background b : all) {
            b.stop();
        }
    }
}
