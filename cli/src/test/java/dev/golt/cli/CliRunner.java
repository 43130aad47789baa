package dev.golt.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Runs {@code golt} in-process, capturing stdout, stderr and the waits it asked for. */
final class CliRunner {

    record Result(int code, String out, String err) {}

    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private Map<String, String> env = Map.of();

    CliRunner env(Map<String, String> env) {
        this.env = env;
        return this;
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
