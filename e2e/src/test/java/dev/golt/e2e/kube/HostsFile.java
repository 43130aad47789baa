package dev.golt.e2e.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hosts file in the JDK's {@code jdk.net.hosts.file} format. Processes started with
 * {@code -Djdk.net.hosts.file=<path>} resolve names only through this file, so it also maps
 * {@code localhost} and this machine's host name. It is rewritten atomically (the JDK re-reads it
 * when its modification time changes).
 */
final class HostsFile {
    private final Path path;
    private Map<String, List<String>> namesByIp = Map.of();

    HostsFile(Path path) {
        this.path = path;
        write();
    }

    Path path() {
        return path;
    }

    /** Replaces every entry; does nothing when they are unchanged. */
    synchronized void replace(Map<String, List<String>> namesByIp) {
        Map<String, List<String>> sorted = new TreeMap<>(namesByIp);
        if (!sorted.equals(this.namesByIp)) {
            this.namesByIp = sorted;
            write();
        }
    }

    private void write() {
        StringBuilder text = new StringBuilder("127.0.0.1 localhost ").append(machineHostName()).append('\n');
        namesByIp.forEach((ip, names) -> text.append(ip).append(' ').append(String.join(" ", names)).append('\n'));
        try {
            // World-readable, as /etc/hosts: the operator image's user (10001) reads it through a mount.
            Path tmp = Files.createTempFile(path.getParent(), "hosts", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
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
