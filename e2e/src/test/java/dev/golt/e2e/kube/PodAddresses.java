package dev.golt.e2e.kube;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod IPs of the test kubelet. Kubernetes refuses loopback addresses in EndpointSlices, so where
 * this process may (root: {@code ip addr add}) each pod gets an address from {@code 10.244.<run>.0/24}
 * added to the loopback interface — reachable only on this machine, and the EndpointSlice
 * controller publishes it like any pod IP. Elsewhere pods get {@code 127.0.<run>.x} addresses,
 * which every process can bind, and {@link ClusterDns} maps pod names from the pods themselves
 * (the EndpointSlice controller cannot publish them then). Addresses are stable per pod name
 * (Kubernetes gives a new IP per pod; stable ones keep the test cluster's DNS from depending on
 * JVM address caches) and are removed again by {@link #close()}.
 */
final class PodAddresses implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PodAddresses.class.getName());
    private static final int RUN = 1 + (int) (ProcessHandle.current().pid() % 250);
    /** JVM-wide, so two environments of one test run never hand out the same address. */
    private static final AtomicInteger NEXT = new AtomicInteger();
    private final Map<String, String> byPod = new ConcurrentHashMap<>();
    private final boolean onInterface;
    private final Thread removeOnExit = new Thread(this::removeAll);

    PodAddresses() {
        this.onInterface = Boolean.parseBoolean(System.getProperty("golt.e2e.podAddressesOnLo", "true")) && canAddAddresses();
        if (onInterface) {
            Runtime.getRuntime().addShutdownHook(removeOnExit);
        } else {
            LOG.log(System.Logger.Level.WARNING, "cannot add addresses to lo (not root?): pods get loopback IPs, "
                    + "which EndpointSlices cannot carry; pod DNS names come from the pods instead");
        }
    }

    /** True when pod IPs are real (non-loopback) addresses that EndpointSlices accept. */
    boolean publishable() {
        return onInterface;
    }

    String of(String podKey) {
        return byPod.computeIfAbsent(podKey, k -> {
            int n = NEXT.getAndIncrement();
            String ip = (onInterface ? "10.244." : "127.0.") + (RUN + n / 250) % 256 + "." + (1 + n % 250);
            if (onInterface && !ip("addr", "add", ip + "/32", "dev", "lo")) {
                throw new IllegalStateException("cannot add " + ip + " to lo");
            }
            return ip;
        });
    }

    private boolean canAddAddresses() {
        String probe = "10.244." + ((RUN + 128) % 256) + ".254";
        if (ip("addr", "add", probe + "/32", "dev", "lo")) {
            ip("addr", "del", probe + "/32", "dev", "lo");
            return true;
        }
        return false;
    }

    private static boolean ip(String... args) {
        try {
            Process p = new ProcessBuilder(concat("ip", args)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> concat(String first, String... rest) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    private void removeAll() {
        if (onInterface) {
            byPod.values().forEach(ip -> ip("addr", "del", ip + "/32", "dev", "lo"));
        }
        byPod.clear();
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(removeOnExit);
        } catch (IllegalStateException | IllegalArgumentException exitingOrNotAdded) {
            // nothing to remove
        }
    }
}
