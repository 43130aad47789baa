package dev.golt.e2e.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster DNS of the local mode: a file in the JDK's {@code jdk.net.hosts.file} format that maps
 * each pod's headless-service names ({@code <pod>.<svc>.<ns>.svc.cluster.local} and its shorter
 * forms) to the pod's loopback IP. Processes started with {@code -Djdk.net.hosts.file=<path>}
 * resolve names only through this file, so it also maps {@code localhost} and this machine's host
 * name. It is rewritten atomically (the JDK re-reads it when its modification time changes).
 */
final class HostsFile {
    private final Path path;
    private final Map<String, String> ipByPod = new TreeMap<>();
    private final Map<String, List<String>> namesByPod = new TreeMap<>();

    HostsFile(Path path) {
        this.path = path;
        write();
    }

    Path path() {
        return path;
    }

    /** Adds or replaces the entry of pod {@code namespace/pod}, reached through headless service {@code service}. */
    synchronized void put(String namespace, String pod, String service, String ip) {
        String key = namespace + "/" + pod;
        String base = pod + "." + service + "." + namespace;
        ipByPod.put(key, ip);
        namesByPod.put(key, List.of(base + ".svc.cluster.local", base + ".svc", base, pod + "." + service));
        write();
    }

    synchronized void remove(String namespace, String pod) {
        String key = namespace + "/" + pod;
        if (ipByPod.remove(key) != null) {
            namesByPod.remove(key);
            write();
        }
    }

    private void write() {
        StringBuilder text = new StringBuilder("127.0.0.1 localhost ").append(machineHostName()).append('\n');
        ipByPod.forEach((key, ip) -> text.append(ip).append(' ')
                .append(String.join(" ", namesByPod.get(key))).append('\n'));
        try {
            Path tmp = Files.createTempFile(path.getParent(), "hosts", ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost.localdomain";
        }
    }
}
