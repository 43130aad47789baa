// RealEtcd: a real etcd (the installed /usr/bin/etcd, or $GOLT_ETCD) started for the CLI's gRPC
// command tests on free loopback ports with a temporary data directory, and stopped by its PID.
package dev.golt.cli;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One single-member etcd cluster, a channel to it, and the few direct KV calls the tests make. */
final class RealEtcd implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 20_000;

    private final Process process;
    private final Path dir;
    private final String endpoint;
    private final ManagedChannel channel;

    private RealEtcd(Process process, Path dir, String endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
        this.channel = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    }

    /** Starts etcd; a port taken between choosing and binding it makes it try other ports. */
    static RealEtcd start() throws IOException, InterruptedException {
        String binary = System.getenv().getOrDefault("GOLT_ETCD", "/usr/bin/etcd");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = Files.createTempDirectory("golt-cli-etcd-");
            String client = "http://127.0.0.1:" + freePort();
            String peer = "http://127.0.0.1:" + freePort();
            Process p = new ProcessBuilder(List.of(binary, "--name", "default", "--data-dir", dir.resolve("data").toString(),
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

    /** A loopback port below the ephemeral range (see node/server's TestPorts for why). */
    static int freePort() {
        for (int i = 0; i < 1000; i++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IllegalStateException("no free loopback port");
    }

    String endpoint() {
        return endpoint;
    }

    ManagedChannel channel() {
        return channel;
    }

    KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    void put(String key, String value) {
        kv().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build());
    }

    /** The value of {@code key}, or null. */
    String get(String key) {
        var r = kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build());
        return r.getKvsCount() == 0 ? null : r.getKvs(0).getValue().toStringUtf8();
    }

    /** The keys under {@code prefix}, oldest first. */
    List<dev.golt.etcd.api.KeyValue> under(String prefix) {
        ByteString p = ByteString.copyFromUtf8(prefix);
        return kv().range(RangeRequest.newBuilder().setKey(p).setRangeEnd(KeyRanges.prefixEnd(p))
                .setSortTarget(RangeRequest.SortTarget.CREATE).build()).getKvsList();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with " + process.exitValue() + ": " + Files.readString(dir.resolve("etcd.log")));
            }
            try {
                KVGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("x")).build());
                return;
            } catch (StatusRuntimeException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("etcd not ready within " + START_TIMEOUT_MS + " ms");
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
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
