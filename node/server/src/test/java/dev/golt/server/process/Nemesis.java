package dev.golt.server.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Injects faults into a {@link NodeProcesses} cluster from a seeded schedule: kill -9 and restart,
 * symmetric and one-way partitions, SIGSTOP pauses, link delays, and pairs of them (which can take
 * the cluster's majority away). The schedule — which fault, on which nodes, for how long — is a
 * function of the seed; how the nodes react to it is not.
 */
final class Nemesis {

    private final NodeProcesses cluster;
    private final Random random;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final long start = System.nanoTime();
    private final List<String> killed = new ArrayList<>();

    Nemesis(NodeProcesses cluster, long seed) {
        this.cluster = cluster;
        this.random = new Random(seed);
    }

    /** Runs faults one after another for {@code duration}, then heals everything. */
    void run(Duration duration) throws IOException, InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        try {
            while (System.nanoTime() < end) {
                List<String> ids = new ArrayList<>(cluster.ids());
                Collections.shuffle(ids, random);
                int faults = random.nextInt(5) == 0 ? 2 : 1;
                List<Runnable> heals = new ArrayList<>();
                for (int i = 0; i < faults; i++) {
                    heals.add(inject(ids.get(i)));
                }
                sleep(1_000 + random.nextInt(3_000));
                for (Runnable h : heals) {
                    h.run();
                }
                for (String node : killed) {
                    action("restart " + node, () -> restart(node));
                }
                killed.clear();
                sleep(500 + random.nextInt(1_500));
            }
        } finally {
            healAll();
        }
    }

    /** Everything back: links healed, paused nodes resumed, killed nodes restarted. */
    void healAll() throws IOException, InterruptedException {
        cluster.network().heal();
        for (String id : cluster.ids()) {
            if (cluster.running(id)) {
                cluster.resume(id);
            } else {
                restart(id);
            }
        }
        note("heal all");
    }

    /**
     * Starts a killed node and waits until it serves: fault windows are the seed's, not the JVM's
     * start-up time (tens of seconds on a loaded machine would otherwise stretch every outage).
     */
    private void restart(String id) throws IOException, InterruptedException {
        cluster.start(id);
        cluster.awaitUp(id, Duration.ofSeconds(120));
        note(id + " up");
    }

    List<String> log() {
        return List.copyOf(log);
    }

    private Runnable inject(String node) throws IOException, InterruptedException {
        FaultyNetwork net = cluster.network();
        List<String> others = new ArrayList<>(cluster.ids());
        others.remove(node);
        switch (random.nextInt(6)) {
            case 0 -> {
                note("kill -9 " + node);
                cluster.kill(node);
                killed.add(node);
                return () -> { }; // restarted after the other faults heal: a start takes a while
            }
            case 1 -> {
                note("pause (SIGSTOP) " + node);
                cluster.pause(node);
                return () -> action("resume (SIGCONT) " + node, () -> cluster.resume(node));
            }
            case 2 -> {
                note("isolate " + node);
                net.isolate(node);
            }
            case 3 -> {
                note("cut " + node + " -> " + others + " (one way: it hears them, they do not hear it)");
                others.forEach(o -> net.cut(node, o));
            }
            case 4 -> {
                note("cut " + others + " -> " + node + " (one way: it does not hear them, they hear it)");
                others.forEach(o -> net.cut(o, node));
            }
            default -> {
                long ms = 20 + random.nextInt(180);
                note("delay " + node + " <-> " + others + " by " + ms + " ms");
                others.forEach(o -> {
                    net.delay(node, o, ms);
                    net.delay(o, node, ms);
                });
            }
        }
        return () -> action("heal links", net::heal);
    }

    private interface Action {
        void run() throws IOException, InterruptedException;
    }

    private void action(String what, Action a) {
        note(what);
        try {
            a.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void note(String what) {
        log.add(String.format("%6.1fs %s", (System.nanoTime() - start) / 1e9, what));
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }
}
