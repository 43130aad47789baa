package dev.golt.e2e.images;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The container engine's command line, as a user types it: podman (the default here; settings from
 * this module's {@code containers.conf}) or docker ({@code GOLT_CONTAINER_ENGINE=docker}). Every
 * container, network and volume made through it carries this run's prefix and is removed on
 * {@link #close()}, also when a test fails.
 */
public final class ContainerEngine implements AutoCloseable {
    private final String engine;
    private final Path containersConf;
    final String prefix = "golt-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private final Thread cleanupOnExit = new Thread(this::removeAll);

    private ContainerEngine(String engine, Path containersConf) {
        this.engine = engine;
        this.containersConf = containersConf;
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    public static ContainerEngine find() throws IOException, InterruptedException {
        String engine = System.getenv().getOrDefault("GOLT_CONTAINER_ENGINE", "podman");
        Path conf = null;
        if (engine.equals("podman")) {
            try {
                conf = Path.of(ContainerEngine.class.getResource("/containers.conf").toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        ContainerEngine found = new ContainerEngine(engine, conf);
        try {
            found.run("version");
        } catch (IOException e) {
            throw new IllegalStateException("no working container engine '" + engine + "' (the image tests start the images): "
                    + "install podman (Debian: apt-get install podman runc netavark aardvark-dns iptables; .ci/run does) "
                    + "or set GOLT_CONTAINER_ENGINE=docker with a running dockerd", e);
        }
        return found;
    }

    /** Loads an image tarball; returns the image's name as the engine lists it. */
    public String load(Path tar) throws IOException, InterruptedException {
        String out = run("load", "-i", tar.toString());
        for (String line : out.lines().toList()) {
            if (line.startsWith("Loaded image: ")) {
                return line.substring("Loaded image: ".length()).strip();
            }
        }
        throw new IOException("no image name in the output of load: " + out);
    }

    String network(String name) throws IOException, InterruptedException {
        String full = prefix + "-" + name;
        run("network", "create", full);
        networks.add(full);
        return full;
    }

    String volume(String name) throws IOException, InterruptedException {
        String full = prefix + "-" + name;
        run("volume", "create", full);
        volumes.add(full);
        return full;
    }

    /** {@code run -d --name <prefix>-<name> <options...>}; returns the container's name. */
    String runDetached(String name, List<String> options) throws IOException, InterruptedException {
        String full = prefix + "-" + name;
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", full));
        args.addAll(options);
        containers.add(full);
        run(args.toArray(String[]::new));
        return full;
    }

    /** The host address a published container port answers on. */
    URI published(String container, int port) throws IOException, InterruptedException {
        String hostPort = run("port", container, port + "/tcp").lines().findFirst()
                .orElseThrow(() -> new IOException(container + " publishes no port " + port)).strip();
        return URI.create("http://" + hostPort.replace("0.0.0.0", "127.0.0.1"));
    }

    public String inspect(String container, String format) throws IOException, InterruptedException {
        return run("inspect", "--format", format, container).strip();
    }

    public String logs(String container) {
        try {
            return run("logs", container);
        } catch (Exception e) {
            return "(no logs: " + e + ")";
        }
    }

    /**
     * Runs one engine command and returns its standard output (stderr merged: podman writes
     * progress there); fails with everything it printed when it exits non-zero.
     */
    public String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(engine);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (containersConf != null) {
            pb.environment().put("CONTAINERS_CONF", containersConf.toString());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + engine + ": " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed" + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")")
                    + ":\n" + out.lines().filter(l -> !l.contains("failed to connect to syslog")).reduce("", (a, b) -> a + b + "\n"));
        }
        return out;
    }

    /** A command line for a foreground container (a process the test owns, as a kubelet owns a container). */
    public List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(engine);
        command.addAll(List.of(args));
        return command;
    }

    /** The environment {@link #command} needs. */
    public void configure(ProcessBuilder pb) {
        if (containersConf != null) {
            pb.environment().put("CONTAINERS_CONF", containersConf.toString());
        }
    }

    /** Remembers a container started by {@link #command}, so that close removes it too. */
    public String track(String name) {
        String full = prefix + "-" + name;
        containers.add(full);
        return full;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
        removeAll();
    }

    private synchronized void removeAll() {
        for (String c : containers.reversed()) {
            if (containersConf != null) {
                quietly("rm", "-f", "-t", "0", c); // podman: no stop timeout before SIGKILL
            } else {
                quietly("rm", "-f", c);
            }
        }
        containers.clear();
        for (String v : volumes) {
            quietly("volume", "rm", "-f", v);
        }
        volumes.clear();
        for (String n : networks) {
            quietly("network", "rm", "-f", n);
        }
        networks.clear();
    }

    private void quietly(String... args) {
        try {
            run(args);
        } catch (Exception e) {
            System.err.println("[images] cleanup: " + e.getMessage());
        }
    }
}
