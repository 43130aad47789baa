// RealEtcd: a real etcd (the installed /usr/bin/etcd, or $GOLT_ETCD) started for a test on free
// loopback ports with a temporary data directory, and stopped by its PID.
package dev.golt.server.etcd.concurrency;

import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.MaintenanceGrpc;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.StatusRequest;
import dev.golt.server.TestPorts;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One single-member etcd cluster and a channel to its client port. */
final class RealEtcd implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 20_000;

    private final Process process;
    private final Path dataDir;
    private final String endpoint;
    private final ManagedChannel channel;

    private RealEtcd(Process process, Path dataDir, String endpoint) {
        this.process = process;
        this.dataDir = dataDir;
        this.endpoint = endpoint;
        this.channel = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    }

    static String binary() {
        String configured = System.getenv("GOLT_ETCD");
        return configured != null && !configured.isBlank() ? configured : "/usr/bin/etcd";
    }

    /** Starts etcd; a port taken between choosing and binding it makes it try other ports. */
    static RealEtcd start() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = Files.createTempDirectory("golt-etcd-");
            String client = "http://127.0.0.1:" + TestPorts.free();
            String peer = "http://127.0.0.1:" + TestPorts.free();
            Process p = new ProcessBuilder(List.of(binary(), "--name", "default", "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "default=" + peer))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
            RealEtcd etcd = new RealEtcd(p, dir, client.substring("http://".length()));
            try {
                etcd.awaitReady();
                return etcd;
            } catch (IOException e) {
                last = e;
                etcd.close();
            }
        }
        throw last;
    }

    String endpoint() {
        return endpoint;
    }

    ManagedChannel channel() {
        return channel;
    }

    /** True if this etcd's version is {@code major.minor} or newer. */
    boolean atLeast(int major, int minor) {
        String[] v = MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .status(StatusRequest.getDefaultInstance()).getVersion().split("\\.");
        int ma = Integer.parseInt(v[0]);
        return ma > major || (ma == major && Integer.parseInt(v[1]) >= minor);
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        var kv = KVGrpc.newBlockingStub(channel);
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with " + process.exitValue() + ": " + log());
            }
            try {
                kv.withDeadlineAfter(1, TimeUnit.SECONDS).range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("x")).build());
                return;
            } catch (StatusRuntimeException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("etcd not ready within " + START_TIMEOUT_MS + " ms: " + log());
    }

    private String log() {
        try {
            String s = Files.readString(dataDir.resolve("etcd.log"));
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
