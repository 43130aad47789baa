package dev.golt.e2e.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/golt-kube-local}: the e2e tests' Kubernetes — real control plane, test kubelet,
 * folder provisioner, hosts-file DNS, and the operator watching every namespace with the chart's
 * RBAC — for a person with {@code kubectl}. Prints what to export, then the IP of every Golt pod
 * as it gets one (reach pods there, no port-forward). Ctrl-C stops everything it started and
 * removes its state unless {@code -Dgolt.e2e.keepWork=true} ({@code --keep}).
 */
public final class GoltKubeLocal {
    private GoltKubeLocal() {
    }

    public static void main(String[] args) throws Exception {
        KubeEnvironment env = KubeEnvironment.start("default", true);
        Path kubeconfig = Path.of(System.getProperty("golt.kubeLocal.kubeconfig", "kubeconfig")).toAbsolutePath();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the operator, pods and control plane...");
            try {
                env.close();
                if (!Boolean.getBoolean("golt.e2e.keepWork")) {
                    Files.deleteIfExists(kubeconfig);
                }
            } catch (Exception e) {
                System.err.println("stopping failed: " + e);
            }
            stopped.countDown();
        }, "golt-kube-local-stop"));
        Files.copy(env.controlPlane().adminKubeconfig(), kubeconfig, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("""

                Kubernetes %s is up (API server %s), with the Golt operator watching all namespaces.
                In another terminal:

                  export KUBECONFIG=%s
                  export PATH=%s:$PATH      # kubectl %s
                  kubectl apply -f charts/golt-operator/examples/goltcluster.yaml
                  kubectl wait --for=condition=Ready goltcluster/demo --timeout=5m
                  curl -s http://<pod IP>:8000/status      # pod IPs are printed below

                Ctrl-C stops everything.
                %n""", env.controlPlane().version(), env.controlPlane().apiServerUrl(), kubeconfig,
                env.controlPlane().binaries(), env.controlPlane().version());
        Map<String, String> printed = new ConcurrentHashMap<>();
        env.client().pods().inAnyNamespace().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
                String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
                if (action == Action.DELETED) {
                    printed.remove(key);
                } else if (ip != null && !ip.equals(printed.put(key, ip))) {
                    System.out.printf("pod %s: http://%s:8000%n", key, ip);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // stopping
            }
        });
        stopped.await();
    }
}
