// GuardedProcess: runs `golt lock`'s command while the lock is held, and kills it (with everything
// it started) the moment the hold is lost, so it never acts after another holder may have begun.
package dev.golt.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

final class GuardedProcess {

    /** How the command ended: its exit status, or killed because the hold was lost. */
    record Outcome(int status, String lostBecause) {}

    private GuardedProcess() {}

    /**
     * Starts {@code command} with {@code env} added to this process's environment and the same
     * stdin, stdout and stderr; waits until it exits or {@code lost} completes (then kills it).
     * Interrupting the waiting thread kills it too and rethrows. Throws IOException if it cannot start.
     */
    static Outcome run(List<String> command, Map<String, String> env, CompletableFuture<String> lost)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            CompletableFuture.anyOf(p.onExit(), lost).get();
        } catch (InterruptedException e) {
            stop(p, 2);
            throw e;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
        if (p.isAlive() && lost.isDone()) {
            kill(p);
            return new Outcome(-1, lost.join());
        }
        return new Outcome(p.waitFor(), null);
    }

    /**
     * SIGKILL to the command and all it started: no grace, its hold is already gone. The command
     * goes first, so that it cannot carry on once a child it waits for dies; its children are
     * listed before, as they leave its tree when it dies.
     */
    private static void kill(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        p.waitFor(5, TimeUnit.SECONDS);
    }

    /** On interruption: SIGTERM (the terminal's Ctrl-C reached it already), then SIGKILL after a grace. */
    private static void stop(Process p, long graceSeconds) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException again) {
            p.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
