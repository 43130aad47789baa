package dev.golt.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A client writing unique keys continuously, as an application behind the client Service would: it
 * sends to the Service's endpoints (ready pods not being deleted, from an informer, as kube-proxy
 * sees them) and retries a write on the next endpoint only when refused (connection refused or
 * 503); anything else, or a write still refused after 600 attempts, is a failure. Acknowledged
 * writes are kept, so the scenarios can check none was lost.
 */
public final class LoadWriter implements AutoCloseable {
    private static final int ATTEMPTS = 600;
    public final Map<String, String> acked = new ConcurrentHashMap<>();
    public final List<String> failures = new CopyOnWriteArrayList<>();
    /**
     * Its own connections, one per pod, in use back to back as an application's would be. Idle
     * pooled connections (left by the scenarios' parallel clients) can be closed by a stopping pod
     * just as a POST is sent on them, which the JDK client reports as an error, not a refusal.
     */
    private final NodeHttp http = new NodeHttp();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final SharedIndexInformer<Pod> endpoints;
    private final Predicate<String> pods;
    private final Function<String, URI> uri;
    private final Thread thread;

    /**
     * Starts writing {@code <prefix><n>} keys to the pods of {@code namespace} that {@code pods}
     * accepts, pausing {@code pauseMillis} after each acknowledged write.
     */
    public LoadWriter(KubernetesClient client, String namespace, Predicate<String> pods, Function<String, URI> uri,
                      String prefix, long pauseMillis) {
        this.pods = pods;
        this.uri = uri;
        this.endpoints = client.pods().inNamespace(namespace).inform();
        this.thread = Thread.ofVirtual().name("load-writer-" + namespace).start(() -> run(prefix, pauseMillis));
    }

    private List<String> endpoints() {
        return endpoints.getStore().list().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && pods.test(p.getMetadata().getName()))
                .filter(p -> p.getStatus() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private void run(String prefix, long pauseMillis) {
        int target = 0;
        for (int i = 0; !stop.get(); i++) {
            String key = prefix + "%06d".formatted(i);
            String value = "v" + i;
            for (int attempt = 0; !stop.get(); attempt++) {
                if (attempt > ATTEMPTS) {
                    failures.add(key + ": still refused after " + ATTEMPTS + " attempts");
                    break;
                }
                List<String> ready = endpoints();
                if (ready.isEmpty()) {
                    sleep(50); // no endpoint: a Service refuses the connection
                    continue;
                }
                String pod = ready.get(target % ready.size());
                try {
                    NodeHttp.Answer answer = http.set(uri.apply(pod), key, value);
                    if (answer.ok() && answer.body().get("success").asBoolean()) {
                        acked.put(key, value);
                        break;
                    }
                    if (answer.status() != 503) {
                        failures.add(key + " via " + pod + ": HTTP " + answer.status() + " " + answer.body());
                        break;
                    }
                } catch (ConnectException refused) {
                    // the pod is down: a Service would send the next request elsewhere
                } catch (Exception e) {
                    failures.add(key + " via " + pod + ": " + e);
                    break;
                }
                target++;
                sleep(50);
            }
            if (pauseMillis > 0) {
                sleep(pauseMillis);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join();
        endpoints.close();
    }
}
