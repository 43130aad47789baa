package dev.golt.e2e.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A kubelet for the real API server that runs each pod's first container as a host process
 * instead of a container (the image is ignored: every container runs {@code java <DNS options>
 * <javaArgs> <container args>}, see {@link ContainerLaunch}). It authenticates as
 * {@code system:node:<name>}, so the Node authorizer and NodeRestriction allow it exactly what
 * they allow a kubelet.
 *
 * <ul>
 *   <li><b>Node</b>: registers its Node (capacity, addresses, Ready condition), renews its Lease in
 *   {@code kube-node-lease} every few seconds and re-reports status, as the node lifecycle controller
 *   expects; the real scheduler binds pods to it.</li>
 *   <li><b>Pods</b> bound to it (a field-selected informer): each gets its own IP on this machine's
 *   loopback interface ({@link PodAddresses}), reported as {@code status.podIP}; volumes are folders — a PersistentVolumeClaim's bound
 *   PersistentVolume's hostPath, or per-pod folders for emptyDir, ConfigMap, Secret and projected
 *   volumes; the readiness and liveness probes and the restart policy are honoured
 *   ({@link PodProcess}); status (phase, conditions, IPs, container status with restart counts) is
 *   written through the status subresource.</li>
 *   <li><b>Termination</b> as the kubelet does it: a pod with a deletionTimestamp gets SIGTERM, SIGKILL
 *   after its {@code deletionGracePeriodSeconds}, and once its process is gone the kubelet deletes it
 *   with grace 0 (uid precondition); until then it stays Terminating. A pod annotated
 *   {@value #IGNORE_SIGTERM}{@code ="true"} gets no SIGTERM (a container that ignores it).</li>
 * </ul>
 */
public final class TestKubelet implements AutoCloseable {
    /** Pod annotation: the container ignores SIGTERM, so only the grace period's SIGKILL stops it. */
    public static final String IGNORE_SIGTERM = "e2e.golt.dev/ignore-sigterm";
    private static final long TICK_MS = 200;
    private static final System.Logger LOG = System.getLogger(TestKubelet.class.getName());

    private final KubernetesClient client;
    private final String nodeName;
    private final Path workDir;
    private final List<String> entrypoint;
    private final PodAddresses addresses = new PodAddresses();
    /** Running and terminating pods by uid. */
    private final Map<String, Running> pods = new ConcurrentHashMap<>();
    private final Map<String, String> lastStatusJson = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Pod> informer;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("test-kubelet").daemon().factory());
    private final Instant started = Instant.now();
    private long ticks;
    private final Thread killOnExit = new Thread(() -> pods.values()
            .forEach(r -> r.process().handle().ifPresent(ProcessHandle::destroyForcibly)));

    private static final class Running {
        final String key;
        final PodProcess process;
        final Instant created;
        volatile CompletableFuture<Void> stopped;

        Running(String key, PodProcess process, Instant created) {
            this.key = key;
            this.process = process;
            this.created = created;
        }

        PodProcess process() {
            return process;
        }
    }

    /**
     * @param client     authenticated as {@code system:node:<nodeName>}
     * @param workDir    pod folders and logs
     * @param entrypoint what every container runs before its args, e.g. {@code java -Djdk.net.hosts.file=... -jar app.jar}
     */
    public TestKubelet(KubernetesClient client, String nodeName, Path workDir, List<String> entrypoint) {
        this.client = client;
        this.nodeName = nodeName;
        this.workDir = workDir;
        this.entrypoint = List.copyOf(entrypoint);
        try {
            Files.createDirectories(workDir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        register();
        this.informer = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).inform();
        Runtime.getRuntime().addShutdownHook(killOnExit);
        loop.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    public String nodeName() {
        return nodeName;
    }

    /** False when pods have loopback IPs, which EndpointSlices cannot carry (see {@link PodAddresses}). */
    public boolean podIpsPublishable() {
        return addresses.publishable();
    }

    /** The live process of a pod, e.g. to {@code kill -9} it. */
    public Optional<ProcessHandle> process(String namespace, String pod) {
        return pods.values().stream().filter(r -> r.key.equals(namespace + "/" + pod) && r.stopped == null)
                .findFirst().flatMap(r -> r.process().handle());
    }

    /** The output of every container run of this pod name so far. */
    public Path log(String namespace, String pod) {
        return workDir.resolve("logs").resolve(namespace + "_" + pod + ".log");
    }

    /** Number of pod processes running or being stopped. */
    public int activeProcesses() {
        return pods.size();
    }

    /** Number of pod processes of that namespace running or being stopped. */
    public int activeProcessesIn(String namespace) {
        return (int) pods.values().stream().filter(r -> r.key.startsWith(namespace + "/")).count();
    }

    // ---- node ----

    private void register() {
        if (client.nodes().withName(nodeName).get() == null) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(nodeName)
                    .addToLabels("kubernetes.io/hostname", nodeName).addToLabels("kubernetes.io/os", "linux")
                    .addToLabels("kubernetes.io/arch", "amd64").endMetadata().build()).create();
        }
        reportNodeStatus();
        renewLease();
    }

    private void reportNodeStatus() {
        String now = time(Instant.now());
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("32"), "memory", new Quantity("128Gi"),
                "pods", new Quantity("250"), "ephemeral-storage", new Quantity("100Gi"));
        List<NodeCondition> conditions = new ArrayList<>();
        for (String pressure : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
            conditions.add(nodeCondition(pressure, "False", "KubeletHasNo" + pressure, now));
        }
        conditions.add(nodeCondition("Ready", "True", "KubeletReady", now));
        NodeStatus status = new NodeStatusBuilder().withCapacity(capacity).withAllocatable(capacity)
                .withConditions(conditions)
                .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                .addNewAddress().withType("Hostname").withAddress(nodeName).endAddress()
                .withNewNodeInfo().withKubeletVersion("golt-test-kubelet").withOperatingSystem("linux")
                    .withArchitecture("amd64").withContainerRuntimeVersion("processes://1")
                    .withKernelVersion(System.getProperty("os.version")).withOsImage("host processes")
                    .withKubeProxyVersion("").withMachineID("").withSystemUUID("").withBootID(started.toString()).endNodeInfo()
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(0).endKubeletEndpoint().endDaemonEndpoints()
                .build();
        client.nodes().withName(nodeName).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
    }

    private static NodeCondition nodeCondition(String type, String status, String reason, String now) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withLastHeartbeatTime(now).withLastTransitionTime(now).build();
    }

    private void renewLease() {
        var leases = client.leases().inNamespace("kube-node-lease");
        ZonedDateTime now = ZonedDateTime.now();
        var existing = leases.withName(nodeName).get();
        if (existing == null) {
            leases.resource(new LeaseBuilder().withNewMetadata().withName(nodeName).endMetadata()
                    .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds(40).withRenewTime(now)
                    .endSpec().build()).create();
        } else {
            existing.getSpec().setRenewTime(now);
            leases.resource(existing).update();
        }
    }

    // ---- pods ----

    private void tick() {
        try {
            if (ticks++ % 25 == 0) {
                renewLease();
            }
            if (ticks % 150 == 0) {
                reportNodeStatus();
            }
            Set<String> seen = new HashSet<>();
            for (Pod pod : informer.getStore().list()) {
                String uid = pod.getMetadata().getUid();
                seen.add(uid);
                try {
                    sync(pod);
                } catch (RuntimeException | IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "pod {0}: {1}", key(pod), e.toString());
                }
            }
            for (var entry : List.copyOf(pods.entrySet())) {
                if (!seen.contains(entry.getKey())) {
                    // deleted without us (grace 0 by someone else): stop at once, as the kubelet does
                    stop(entry.getKey(), entry.getValue(), Duration.ZERO, false);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kubelet pass failed; retrying", e);
        }
    }

    private void sync(Pod pod) throws IOException {
        String uid = pod.getMetadata().getUid();
        Running r = pods.get(uid);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (r == null) {
                finalDelete(pod);
                return;
            }
            long grace = Optional.ofNullable(pod.getMetadata().getDeletionGracePeriodSeconds()).orElse(30L);
            boolean ignoreTerm = "true".equals(Optional.ofNullable(pod.getMetadata().getAnnotations())
                    .map(a -> a.get(IGNORE_SIGTERM)).orElse(null));
            stop(uid, r, Duration.ofSeconds(grace), ignoreTerm);
            if (r.stopped.isDone()) {
                finalDelete(pod);
            }
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (r == null && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            r = startPod(pod);
        }
        if (r != null) {
            writeStatus(pod, r);
        }
    }

    private void finalDelete(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(new PodBuilder()
                            .withNewMetadata().withName(pod.getMetadata().getName())
                            .withNamespace(pod.getMetadata().getNamespace()).withUid(pod.getMetadata().getUid())
                            .endMetadata().build())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void stop(String uid, Running r, Duration grace, boolean ignoreSigterm) {
        synchronized (r) {
            if (r.stopped == null) {
                LOG.log(System.Logger.Level.INFO, "stopping {0} (grace {1})", r.key, grace);
                r.stopped = r.process().terminate(grace, ignoreSigterm);
                r.stopped.whenComplete((v, e) -> pods.remove(uid, r));
            }
        }
    }

    /** Starts the pod's container, or returns null when a volume is not there yet (the pod stays Pending). */
    private Running startPod(Pod pod) throws IOException {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        Container container = pod.getSpec().getContainers().get(0);
        Path podDir = Files.createDirectories(workDir.resolve("pods").resolve(pod.getMetadata().getUid()));
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no volume " + mount.getName()));
            Path folder = volumeFolder(pod, volume, podDir);
            if (folder == null) {
                return null;
            }
            mounts.put(mount.getMountPath(), mount.getSubPath() == null || mount.getSubPath().isEmpty()
                    ? folder : Files.createDirectories(folder.resolve(mount.getSubPath())));
        }
        String ip = addresses.of(key(pod));
        ContainerLaunch.Objects objects = new ContainerLaunch.Objects() {
            @Override
            public ConfigMap configMap(String namespace, String n) {
                return client.configMaps().inNamespace(namespace).withName(n).get();
            }

            @Override
            public Secret secret(String namespace, String n) {
                return client.secrets().inNamespace(namespace).withName(n).get();
            }
        };
        String podKey = ns + "/" + name;
        String uid = pod.getMetadata().getUid();
        PodProcess process = new PodProcess(podKey,
                () -> ContainerLaunch.of(withIp(latest(uid, pod), ip), container, entrypoint, mounts, objects),
                podDir, log(ns, name), container.getReadinessProbe(), container.getLivenessProbe(),
                pod.getSpec().getRestartPolicy(), ip,
                port -> port.matches("\\d+") ? Integer.parseInt(port) : container.getPorts().stream()
                        .filter(p -> port.equals(p.getName())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no container port " + port)).getContainerPort());
        Running r = new Running(podKey, process, Instant.now());
        pods.put(uid, r);
        LOG.log(System.Logger.Level.INFO, "starting {0} on {1}", podKey, ip);
        process.start();
        return r;
    }

    /** The informer's newest copy of a pod (labels and annotations change; the kubelet reads them at container start). */
    private Pod latest(String uid, Pod fallback) {
        return informer.getStore().list().stream().filter(p -> uid.equals(p.getMetadata().getUid())).findFirst()
                .orElse(fallback);
    }

    private static Pod withIp(Pod pod, String ip) {
        return new PodBuilder(pod).editOrNewStatus().withPodIP(ip).withHostIP("127.0.0.1").endStatus().build();
    }

    /** The host folder backing a volume, or null if its claim is not bound yet. */
    private Path volumeFolder(Pod pod, Volume volume, Path podDir) throws IOException {
        String ns = pod.getMetadata().getNamespace();
        if (volume.getPersistentVolumeClaim() != null) {
            PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns)
                    .withName(volume.getPersistentVolumeClaim().getClaimName()).get();
            if (claim == null || claim.getSpec().getVolumeName() == null || claim.getStatus() == null
                    || !"Bound".equals(claim.getStatus().getPhase())) {
                return null;
            }
            PersistentVolume pv = client.persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
            if (pv == null || pv.getSpec().getHostPath() == null) {
                return null;
            }
            return Path.of(pv.getSpec().getHostPath().getPath());
        }
        Path folder = Files.createDirectories(podDir.resolve("volumes").resolve(volume.getName()));
        Map<String, String> files = new LinkedHashMap<>();
        if (volume.getConfigMap() != null) {
            files.putAll(configMapData(ns, volume.getConfigMap().getName()));
        } else if (volume.getSecret() != null) {
            files.putAll(secretData(ns, volume.getSecret().getSecretName()));
        } else if (volume.getProjected() != null) {
            for (VolumeProjection source : volume.getProjected().getSources()) {
                if (source.getConfigMap() != null) {
                    files.putAll(configMapData(ns, source.getConfigMap().getName()));
                } else if (source.getSecret() != null) {
                    files.putAll(secretData(ns, source.getSecret().getName()));
                } else if (source.getDownwardAPI() != null) {
                    source.getDownwardAPI().getItems().stream()
                            .filter(i -> i.getFieldRef() != null && "metadata.namespace".equals(i.getFieldRef().getFieldPath()))
                            .forEach(i -> files.put(i.getPath(), ns));
                }
                // serviceAccountToken: not minted; the pods run here do not call the API server
            }
        }
        for (var file : files.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue());
        }
        return folder;
    }

    private Map<String, String> configMapData(String ns, String name) {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
        return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    }

    private Map<String, String> secretData(String ns, String name) {
        Secret secret = client.secrets().inNamespace(ns).withName(name).get();
        Map<String, String> data = new LinkedHashMap<>();
        if (secret != null && secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        return data;
    }

    private void writeStatus(Pod pod, Running r) {
        PodProcess p = r.process();
        boolean ready = p.ready();
        String ip = addresses.of(key(pod));
        Container container = pod.getSpec().getContainers().get(0);
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(container.getName())
                .withImage(container.getImage()).withImageID("process://" + container.getImage())
                .withReady(ready).withStarted(p.running()).withRestartCount(p.restarts());
        p.handle().ifPresent(h -> cs.withContainerID("process://" + h.pid()));
        if (p.running()) {
            cs.withNewState().withNewRunning(time(p.startedAt())).endState();
        } else if (p.finished()) {
            cs.withNewState().withNewTerminated().withExitCode(p.lastExitCode()).withReason(p.lastExitReason())
                    .endTerminated().endState();
        } else {
            cs.withNewState().withNewWaiting(null, p.waitingReason()).endState();
        }
        if (p.lastExitCode() != null && !p.finished()) {
            cs.withNewLastState().withNewTerminated().withExitCode(p.lastExitCode()).withReason(p.lastExitReason())
                    .endTerminated().endLastState();
        }
        ContainerStatus containerStatus = cs.build();
        String created = time(r.created);
        String readyTime = ready ? time(p.readySince()) : created;
        String phase = p.finished() ? (p.lastExitCode() == 0 ? "Succeeded" : "Failed")
                : p.startedAt() == null ? "Pending" : "Running";
        List<PodCondition> conditions = List.of(
                condition("PodReadyToStartContainers", true, created),
                condition("Initialized", true, created),
                condition("Ready", ready, readyTime),
                condition("ContainersReady", ready, readyTime),
                condition("PodScheduled", true, created));
        PodStatus status = new PodStatusBuilder()
                .withPhase(phase)
                .withPodIP(ip).addNewPodIP(ip).withHostIP("127.0.0.1").addNewHostIP("127.0.0.1")
                .withStartTime(created).withConditions(conditions)
                .withContainerStatuses(containerStatus).withQosClass(qosClass(container))
                .build();
        String json = Serialization.asJson(Map.of("status", status));
        if (!json.equals(lastStatusJson.get(pod.getMetadata().getUid()))) {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), json);
            lastStatusJson.put(pod.getMetadata().getUid(), json);
        }
    }

    private static String qosClass(Container container) {
        var resources = container.getResources();
        boolean none = resources == null || ((resources.getRequests() == null || resources.getRequests().isEmpty())
                && (resources.getLimits() == null || resources.getLimits().isEmpty()));
        if (none) {
            return "BestEffort";
        }
        var requests = resources.getRequests() == null ? Map.<String, Quantity>of() : resources.getRequests();
        var limits = resources.getLimits() == null ? Map.<String, Quantity>of() : resources.getLimits();
        boolean guaranteed = limits.containsKey("cpu") && limits.containsKey("memory")
                && limits.entrySet().stream().allMatch(e -> !requests.containsKey(e.getKey()) || requests.get(e.getKey()).equals(e.getValue()));
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static PodCondition condition(String type, boolean value, String since) {
        return new PodConditionBuilder().withType(type).withStatus(value ? "True" : "False")
                .withLastTransitionTime(since).build();
    }

    private static String time(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** Stops the loop and every pod process (SIGTERM, SIGKILL after 30 s at most); API objects stay. */
    @Override
    public void close() throws Exception {
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
        informer.close();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException | IllegalArgumentException exiting) {
            // nothing to remove
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (var entry : List.copyOf(pods.entrySet())) {
            stop(entry.getKey(), entry.getValue(), Duration.ofSeconds(30), false);
            all.add(entry.getValue().stopped);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        addresses.close();
    }
}
