package dev.golt.server.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A fault-injecting TCP proxy in front of every node's Raft port: each node advertises its proxy
 * and lists its peers' proxies, so every byte between peers crosses this class, which can cut
 * links (one way or both) and delay them.
 *
 * <p>All peers share one address per node (the operator's model too: membership and snapshots
 * carry addresses, so per-link ports would leak from one node's view into another's). The proxy
 * therefore learns who is calling by finding the process that owns the connecting socket in
 * {@code /proc} (Linux). Every Raft message travels on a connection its sender opened, so
 * "cut A→B" closes and refuses the connections A opens to B: A's messages to B are lost while
 * B's messages to A still arrive. A connection whose owner cannot be found is refused.
 *
 * <p>Plain blocking sockets and virtual threads: one acceptor per node, two pumps per connection,
 * and a delay queue per direction so that a delay adds latency without cutting throughput.
 */
final class FaultyNetwork implements AutoCloseable {

    private final Supplier<Map<String, Long>> pids;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> delayMs = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @param pids the live node processes by id, for finding who opened a connection */
    FaultyNetwork(Supplier<Map<String, Long>> pids) {
        this.pids = pids;
    }

    /** Starts a proxy for node {@code id} whose Raft server listens on {@code targetPort}; returns the proxy's port. */
    int front(String id, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Listener l = new Listener(id, targetPort, server);
        listeners.put(id, l);
        Thread.ofVirtual().name("proxy-accept-" + id).start(l::acceptLoop);
        return server.getLocalPort();
    }

    /** Messages from {@code from} to {@code to} are lost until {@link #heal}. */
    void cut(String from, String to) {
        cut.add(link(from, to));
        connections.stream().filter(c -> c.from.equals(from) && c.to.equals(to)).forEach(Connection::close);
    }

    /** Cuts {@code id} off from every other node in both directions. */
    void isolate(String id) {
        for (String other : listeners.keySet()) {
            if (!other.equals(id)) {
                cut(id, other);
                cut(other, id);
            }
        }
    }

    /** Adds {@code ms} of latency to every byte sent from {@code from} to {@code to}. */
    void delay(String from, String to, long ms) {
        delayMs.put(link(from, to), ms);
    }

    /** Removes every cut and delay. */
    void heal() {
        cut.clear();
        delayMs.clear();
    }

    String describe() {
        return "cut=" + cut + " delay=" + delayMs;
    }

    @Override
    public void close() {
        closed = true;
        listeners.values().forEach(l -> quietly(l.server));
        connections.forEach(Connection::close);
    }

    private static String link(String from, String to) {
        return from + "->" + to;
    }

    private final class Listener {
        final String to;
        final int targetPort;
        final ServerSocket server;

        Listener(String to, int targetPort, ServerSocket server) {
            this.to = to;
            this.targetPort = targetPort;
            this.server = server;
        }

        void acceptLoop() {
            while (!closed) {
                Socket in;
                try {
                    in = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().name("proxy-connect-" + to).start(() -> connect(in));
            }
        }

        private void connect(Socket in) {
            String from = SocketOwners.owner(in.getPort(), server.getLocalPort(), pids.get());
            if (from == null || cut.contains(link(from, to)) || closed) {
                quietly(in);
                return;
            }
            Socket out = new Socket();
            try {
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
            } catch (IOException e) {
                quietly(in);
                quietly(out);
                return; // the node is down: so is the connection to it
            }
            Connection c = new Connection(from, to, in, out);
            connections.add(c);
            if (cut.contains(link(from, to))) {
                c.close(); // cut while connecting
                return;
            }
            c.start();
        }
    }

    /** One proxied TCP connection opened by {@code from} to {@code to}. */
    private final class Connection {
        final String from;
        final String to;
        final Socket in;
        final Socket out;

        Connection(String from, String to, Socket in, Socket out) {
            this.from = from;
            this.to = to;
            this.in = in;
            this.out = out;
        }

        void start() {
            pump(in, out, link(from, to));
            pump(out, in, link(to, from));
        }

        private void pump(Socket src, Socket dst, String link) {
            BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
            byte[] eof = new byte[0];
            Thread.ofVirtual().name("proxy-read-" + link).start(() -> {
                byte[] buf = new byte[64 * 1024];
                try (InputStream is = src.getInputStream()) {
                    for (int n; (n = is.read(buf)) >= 0; ) {
                        // deliver-at time (8 bytes) + payload
                        long at = System.nanoTime() + delayMs.getOrDefault(link, 0L) * 1_000_000;
                        byte[] chunk = Arrays.copyOf(longBytes(at), 8 + n);
                        System.arraycopy(buf, 0, chunk, 8, n);
                        queue.add(chunk);
                    }
                } catch (IOException e) {
                    // closed
                }
                queue.add(eof);
            });
            Thread.ofVirtual().name("proxy-write-" + link).start(() -> {
                try (OutputStream os = dst.getOutputStream()) {
                    for (byte[] chunk = queue.take(); chunk != eof; chunk = queue.take()) {
                        long wait = toLong(chunk) - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        os.write(chunk, 8, chunk.length - 8);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed
                } finally {
                    close();
                }
            });
        }

        void close() {
            connections.remove(this);
            quietly(in);
            quietly(out);
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    private static long toLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    /** Finds which node process owns a local TCP socket, through Linux's /proc. */
    static final class SocketOwners {

        private SocketOwners() {}

        /** The id of the process whose socket has local port {@code port} and remote port {@code remotePort}. */
        static String owner(int port, int remotePort, Map<String, Long> pids) {
            String inode = inode(port, remotePort);
            if (inode == null) {
                return null;
            }
            String target = "socket:[" + inode + "]";
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                try (Stream<Path> fds = Files.list(Path.of("/proc", e.getValue().toString(), "fd"))) {
                    if (fds.anyMatch(fd -> target.equals(readLink(fd)))) {
                        return e.getKey();
                    }
                } catch (IOException | UncheckedIOException ex) {
                    // the process is gone
                }
            }
            return null;
        }

        private static String inode(int port, int remotePort) {
            String local = String.format(":%04X", port);
            String remote = String.format(":%04X", remotePort);
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                try {
                    for (String line : Files.readAllLines(Path.of(table))) {
                        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                            return f[9];
                        }
                    }
                } catch (IOException e) {
                    // no IPv6
                }
            }
            return null;
        }

        private static String readLink(Path fd) {
            try {
                return Files.readSymbolicLink(fd).toString();
            } catch (IOException e) {
                return "";
            }
        }
    }
}
