package dev.golt.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Runs {@code golt} in-process, capturing stdout, stderr and the waits it asked for; or starts it on a thread of its own. */
final class CliRunner {

    record Result(int code, String out, String err) {}

    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private Map<String, String> env = Map.of();

    CliRunner env(Map<String, String> env) {
        this.env = env;
        return this;
    }

    /** A command running on its own thread, as a long-running one runs until Ctrl-C interrupts it. */
    final class Running {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final Thread thread;
        private volatile int code = -1;

        private Running(String... args) {
            thread = new Thread(() -> code = GoltCli.run(args, new PrintWriter(out), new PrintWriter(err), env, Sleeper.REAL),
                    "golt-under-test");
            thread.start();
        }

        /** What it printed so far (long-running commands flush as they go). */
        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        boolean finished() {
            return !thread.isAlive();
        }

        /** Interrupts it as main's shutdown hook does on Ctrl-C, and waits for it to end. */
        Result interrupt() throws InterruptedException {
            thread.interrupt();
            return await(15_000);
        }

        /** Waits up to {@code ms} for it to end on its own. */
        Result await(long ms) throws InterruptedException {
            thread.join(ms);
            if (thread.isAlive()) {
                throw new AssertionError("golt still running after " + ms + " ms; out: " + out + " err: " + err);
            }
            return new Result(code, out.toString(), err.toString());
        }
    }

    Running start(String... args) {
        return new Running(args);
    }

    /** {@link #run} with {@code stdin} as standard input. */
    Result runWithInput(String stdin, String... args) {
        java.io.InputStream saved = System.in;
        System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // Records the wait and sleeps only briefly, so retry rounds stay real but tests stay fast.
        Sleeper sleeper = d -> {
            waits.add(d);
            Thread.sleep(Math.min(d.toMillis(), 20));
        };
        int code = GoltCli.run(args, new PrintWriter(out), new PrintWriter(err), env, sleeper);
        return new Result(code, out.toString(), err.toString());
    }
}
