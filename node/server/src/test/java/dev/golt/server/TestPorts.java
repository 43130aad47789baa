package dev.golt.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for test nodes. They come from below Linux's ephemeral range (32768 and up): a
 * port from {@code new ServerSocket(0)} is free only until the node binds it, and in between any
 * outgoing connection (a peer dialling another node, an HTTP client) may be given that very port
 * as its local port, leaving the node unable to start. Ports here are handed out in sequence from
 * a random start, so one JVM never hands out the same port twice.
 */
public final class TestPorts {

    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final AtomicInteger NEXT = new AtomicInteger(LOW + ThreadLocalRandom.current().nextInt(HIGH - LOW));

    private TestPorts() {}

    public static int free() {
        for (int attempt = 0; attempt < HIGH - LOW; attempt++) {
            int port = LOW + Math.floorMod(NEXT.getAndIncrement() - LOW, HIGH - LOW);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException inUse) {
                // taken by someone else: try the next one
            }
        }
        throw new IllegalStateException("no free loopback port in " + LOW + ".." + HIGH);
    }
}
