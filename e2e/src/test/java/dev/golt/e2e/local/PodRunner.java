package dev.golt.e2e.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Test infrastructure of the local e2e mode: plays the parts of Kubernetes that fabric8's mock API
 * server lacks — the StatefulSet controller, the kubelet, cluster DNS and the garbage collector —
 * so that real node processes run under the real operator.
 *
 * <p>Every {@value #TICK_MS} ms it compares the API objects with what runs (level-triggered):
 * <ul>
 *   <li><b>StatefulSet controller</b>: creates a Pod {@code <sts>-<i>} and a PVC
 *   {@code <claim>-<sts>-<i>} per ordinal (in order, or all at once for {@code Parallel}),
 *   removes pods above {@code replicas} (highest first), deletes their claims when
 *   {@code persistentVolumeClaimRetentionPolicy.whenScaled=Delete} and owns them by the
 *   StatefulSet when {@code whenDeleted=Delete}. The revision is a hash of the pod template: pods
 *   get label {@value #REVISION_LABEL}; status carries {@code currentRevision}/{@code
 *   updateRevision}, replicas, ready/available/current/updated replicas. With {@code OnDelete}
 *   nothing is restarted until a pod is deleted; the replacement uses the <em>current</em>
 *   template. {@code RollingUpdate} replaces pods highest-first, one at a time, once all are
 *   ready.</li>
 *   <li><b>Kubelet</b>: runs the first container of each pod as {@code java <DNS options>
 *   <javaArgs> <container args>} (image and command are ignored), see {@link ContainerLaunch};
 *   each pod gets its own loopback IP {@code 127.0.x.y} (stable per pod name, unlike Kubernetes)
 *   so pods use the same ports as in a cluster; a PVC mount becomes a host folder that outlives
 *   pods and is deleted with its claim; emptyDir/ConfigMap/Secret mounts become per-pod folders.
 *   A crashed process restarts with back-off; readiness comes from the httpGet readiness probe;
 *   a deleted pod gets SIGTERM and is killed after {@code terminationGracePeriodSeconds}; its
 *   replacement is created only once the old process is gone (the mock deletes objects at once,
 *   so this stands in for the Terminating state). Pod status: podIP, phase, conditions,
 *   containerStatuses with restart counts.</li>
 *   <li><b>DNS</b>: a {@link HostsFile} maps {@code <pod>.<serviceName>.<ns>.svc.cluster.local}
 *   (and shorter forms) to pod IPs; pass {@link #javaDnsOptions()} to any JVM that must resolve
 *   them (the runner does so for pods).</li>
 *   <li><b>Garbage collector</b>: deletes objects whose owner references all point to objects
 *   that no longer exist (GoltClusters, StatefulSets, Pods), e.g. everything a deleted
 *   GoltCluster owned, whose pods are then stopped.</li>
 * </ul>
 * {@link #close()} stops every process and deletes the work folder.
 */
public final class PodRunner implements AutoCloseable {
    public static final String REVISION_LABEL = "controller-revision-hash";
    public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    static final long TICK_MS = 200;
    private static final System.Logger LOG = System.getLogger(PodRunner.class.getName());
    private static final ResourceDefinitionContext GOLT_CLUSTER = new ResourceDefinitionContext.Builder()
            .withGroup("golt.dev").withVersion("v1alpha1").withKind("GoltCluster").withPlural("goltclusters")
            .withNamespaced(true).build();

    private final KubernetesClient client;
    private final Path workDir;
    private final List<String> javaArgs;
    private final HostsFile hosts;
    private final int subnet;
    private final AtomicInteger nextHost = new AtomicInteger();
    private final Map<String, String> ipByPod = new ConcurrentHashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pod-runner").daemon().factory());
    private long ticks;
    /** Kills the pods if the JVM exits without {@link #close()} (e.g. a killed test run). */
    private final Thread killOnExit = new Thread(() -> running.values()
            .forEach(r -> r.process().handle().ifPresent(ProcessHandle::destroyForcibly)));

    private record Running(String uid, PodProcess process, Duration grace, Set<Path> volumes, Instant created) {
    }

    /**
     * @param workDir  folder for hosts file, volumes and pod logs; deleted by {@link #close()}
     * @param javaArgs what follows {@code java} and the DNS options for every pod, e.g. {@code -jar quarkus-run.jar}
     */
    public PodRunner(KubernetesClient client, Path workDir, List<String> javaArgs) {
        this.client = client;
        this.workDir = workDir;
        this.javaArgs = List.copyOf(javaArgs);
        try {
            Files.createDirectories(workDir.resolve("volumes"));
            Files.createDirectories(workDir.resolve("pods"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.hosts = new HostsFile(workDir.resolve("hosts"));
        // A per-run third octet keeps two concurrent runs on one machine apart.
        this.subnet = 1 + (int) (ProcessHandle.current().pid() % 250);
    }

    public PodRunner start() {
        Runtime.getRuntime().addShutdownHook(killOnExit);
        loop.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** JVM options that make a Java process resolve pod DNS names like a process inside the cluster. */
    public List<String> javaDnsOptions() {
        return List.of("-Djdk.net.hosts.file=" + hosts.path(), "-Dsun.net.inetaddr.negative.ttl=1");
    }

    public Path hostsFile() {
        return hosts.path();
    }

    /** The live process of a pod, e.g. to {@code kill -9} it. */
    public Optional<ProcessHandle> process(String namespace, String pod) {
        Running r = running.get(namespace + "/" + pod);
        return r == null ? Optional.empty() : r.process().handle();
    }

    public Optional<String> podIp(String namespace, String pod) {
        return Optional.ofNullable(ipByPod.get(namespace + "/" + pod));
    }

    /** The output of every container run of this pod name so far, for diagnostics. */
    public Path log(String namespace, String pod) {
        return workDir.resolve("pods").resolve(namespace).resolve(pod + ".log");
    }

    /** Number of pod processes running or being stopped. */
    public int activeProcesses() {
        return running.size() + stopping.size();
    }

    private void tick() {
        try {
            List<StatefulSet> sets = client.apps().statefulSets().inAnyNamespace().list().getItems();
            List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
            Map<String, Pod> podByKey = new HashMap<>();
            pods.forEach(p -> podByKey.put(key(p), p));
            stopGonePods(podByKey);
            Map<String, StatefulSet> setByUid = new HashMap<>();
            for (StatefulSet sts : sets) {
                setByUid.put(sts.getMetadata().getUid(), sts);
                List<Pod> own = pods.stream().filter(p -> ownedBy(p, sts)).toList();
                syncStatefulSet(sts, own);
            }
            for (Pod pod : pods) {
                StatefulSet owner = controllerOf(pod).map(ref -> setByUid.get(ref.getUid())).orElse(null);
                if (owner != null && pod.getMetadata().getDeletionTimestamp() == null
                        && !running.containsKey(key(pod)) && !stopping.containsKey(key(pod))) {
                    startPod(pod);
                }
            }
            for (Pod pod : pods) {
                Running r = running.get(key(pod));
                if (r != null && r.uid().equals(pod.getMetadata().getUid())) {
                    updatePodStatus(pod, r);
                }
            }
            if (ticks++ % 5 == 0) {
                collectGarbage();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pod runner pass failed; retrying", e);
        }
    }

    // ---- StatefulSet controller ----

    private void syncStatefulSet(StatefulSet sts, List<Pod> pods) {
        String ns = sts.getMetadata().getNamespace();
        String name = sts.getMetadata().getName();
        int replicas = Optional.ofNullable(sts.getSpec().getReplicas()).orElse(1);
        boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
        String revision = revisionOf(sts);
        Map<Integer, Pod> byOrdinal = new LinkedHashMap<>();
        pods.forEach(p -> byOrdinal.put(ordinal(p), p));
        boolean anyStopping = byOrdinalStopping(ns, name);

        for (int i = 0; i < replicas; i++) {
            if (byOrdinal.containsKey(i)) {
                continue;
            }
            if (stopping.containsKey(ns + "/" + name + "-" + i) || (!parallel && !allReady(byOrdinal, i))) {
                if (parallel) {
                    continue;
                }
                break;
            }
            createPod(sts, i, revision);
            if (!parallel) {
                break;
            }
        }
        List<Integer> excess = byOrdinal.keySet().stream().filter(i -> i >= replicas)
                .sorted(Comparator.reverseOrder()).toList();
        for (int i : excess) {
            if (!parallel && anyStopping) {
                break;
            }
            client.pods().inNamespace(ns).withName(name + "-" + i).delete();
            if (!parallel) {
                break;
            }
        }
        if (sts.getSpec().getPersistentVolumeClaimRetentionPolicy() != null
                && "Delete".equals(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())) {
            deleteScaledDownClaims(sts, replicas, byOrdinal.keySet());
        }
        var strategy = sts.getSpec().getUpdateStrategy();
        boolean onDelete = strategy != null && "OnDelete".equals(strategy.getType());
        if (!onDelete && !anyStopping && byOrdinal.size() == replicas && allReady(byOrdinal, replicas)) {
            int partition = strategy == null || strategy.getRollingUpdate() == null
                    || strategy.getRollingUpdate().getPartition() == null ? 0 : strategy.getRollingUpdate().getPartition();
            byOrdinal.entrySet().stream()
                    .filter(e -> e.getKey() >= partition && !revision.equals(revisionLabel(e.getValue())))
                    .max(Map.Entry.comparingByKey())
                    .ifPresent(e -> client.pods().inNamespace(ns).withName(name + "-" + e.getKey()).delete());
        }
        updateStatefulSetStatus(sts, pods, revision);
    }

    private boolean byOrdinalStopping(String ns, String sts) {
        return stopping.keySet().stream().anyMatch(k -> k.startsWith(ns + "/" + sts + "-"));
    }

    private boolean allReady(Map<Integer, Pod> byOrdinal, int below) {
        for (int i = 0; i < below; i++) {
            Pod p = byOrdinal.get(i);
            Running r = p == null ? null : running.get(key(p));
            if (r == null || !r.process().ready()) {
                return false;
            }
        }
        return true;
    }

    private void createPod(StatefulSet sts, int ordinal, String revision) {
        String ns = sts.getMetadata().getNamespace();
        String podName = sts.getMetadata().getName() + "-" + ordinal;
        var template = sts.getSpec().getTemplate();
        PodSpec spec = new PodSpecBuilder(template.getSpec()).withHostname(podName)
                .withSubdomain(sts.getSpec().getServiceName()).build();
        List<Volume> volumes = new ArrayList<>(spec.getVolumes());
        for (PersistentVolumeClaim claim : sts.getSpec().getVolumeClaimTemplates()) {
            String claimName = claim.getMetadata().getName() + "-" + podName;
            ensureClaim(sts, claim, claimName);
            volumes.removeIf(v -> v.getName().equals(claim.getMetadata().getName()));
            volumes.add(new VolumeBuilder().withName(claim.getMetadata().getName())
                    .withNewPersistentVolumeClaim().withClaimName(claimName).endPersistentVolumeClaim().build());
        }
        spec.setVolumes(volumes);
        Map<String, String> labels = new LinkedHashMap<>(Optional.ofNullable(template.getMetadata().getLabels()).orElse(Map.of()));
        labels.put(POD_NAME_LABEL, podName);
        labels.put("apps.kubernetes.io/pod-index", String.valueOf(ordinal));
        labels.put(REVISION_LABEL, revision);
        String ip = ipByPod.computeIfAbsent(ns + "/" + podName, k -> newIp());
        hosts.put(ns, podName, sts.getSpec().getServiceName(), ip);
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(podName).withNamespace(ns).withLabels(labels)
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(ownerRef(sts, true)).endMetadata()
                .withSpec(spec)
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
        client.pods().inNamespace(ns).resource(pod).create();
    }

    private void ensureClaim(StatefulSet sts, PersistentVolumeClaim template, String claimName) {
        String ns = sts.getMetadata().getNamespace();
        if (client.persistentVolumeClaims().inNamespace(ns).withName(claimName).get() != null) {
            return;
        }
        var policy = sts.getSpec().getPersistentVolumeClaimRetentionPolicy();
        boolean owned = policy != null && "Delete".equals(policy.getWhenDeleted());
        Map<String, String> labels = new LinkedHashMap<>(Optional.ofNullable(template.getMetadata().getLabels()).orElse(Map.of()));
        labels.putAll(Optional.ofNullable(sts.getSpec().getSelector().getMatchLabels()).orElse(Map.of()));
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claimName).withNamespace(ns).withLabels(labels)
                .withOwnerReferences(owned ? List.of(ownerRef(sts, false)) : List.of()).endMetadata()
                .withSpec(template.getSpec())
                .withNewStatus().withPhase("Bound").withAccessModes(template.getSpec().getAccessModes())
                .withCapacity(template.getSpec().getResources() == null ? null : template.getSpec().getResources().getRequests())
                .endStatus()
                .build();
        client.persistentVolumeClaims().inNamespace(ns).resource(claim).create();
    }

    private void deleteScaledDownClaims(StatefulSet sts, int replicas, Set<Integer> livePods) {
        String ns = sts.getMetadata().getNamespace();
        String name = sts.getMetadata().getName();
        for (PersistentVolumeClaim template : sts.getSpec().getVolumeClaimTemplates()) {
            String prefix = template.getMetadata().getName() + "-" + name + "-";
            for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(ns).list().getItems()) {
                String claimName = claim.getMetadata().getName();
                if (!claimName.startsWith(prefix)) {
                    continue;
                }
                String suffix = claimName.substring(prefix.length());
                if (suffix.matches("\\d+")) {
                    int ordinal = Integer.parseInt(suffix);
                    if (ordinal >= replicas && !livePods.contains(ordinal) && !stopping.containsKey(ns + "/" + name + "-" + ordinal)) {
                        client.persistentVolumeClaims().inNamespace(ns).withName(claimName).delete();
                    }
                }
            }
        }
    }

    private void updateStatefulSetStatus(StatefulSet sts, List<Pod> pods, String revision) {
        int replicas = Optional.ofNullable(sts.getSpec().getReplicas()).orElse(1);
        StatefulSetStatus old = Optional.ofNullable(sts.getStatus()).orElseGet(StatefulSetStatus::new);
        int ready = (int) pods.stream().filter(p -> {
            Running r = running.get(key(p));
            return r != null && r.uid().equals(p.getMetadata().getUid()) && r.process().ready();
        }).count();
        int updated = (int) pods.stream().filter(p -> revision.equals(revisionLabel(p))).count();
        String current = updated == replicas && pods.size() == replicas || old.getCurrentRevision() == null
                ? revision : old.getCurrentRevision();
        int currentReplicas = (int) pods.stream().filter(p -> current.equals(revisionLabel(p))).count();
        StatefulSetStatus status = new StatefulSetStatusBuilder()
                .withObservedGeneration(sts.getMetadata().getGeneration())
                .withReplicas(pods.size()).withReadyReplicas(ready).withAvailableReplicas(ready)
                .withCurrentReplicas(currentReplicas).withUpdatedReplicas(updated)
                .withCurrentRevision(current).withUpdateRevision(revision)
                .withCollisionCount(old.getCollisionCount())
                .build();
        if (!Serialization.asJson(status).equals(Serialization.asJson(old))) {
            sts.setStatus(status);
            client.apps().statefulSets().inNamespace(sts.getMetadata().getNamespace()).resource(sts).updateStatus();
        }
    }

    /** {@code <sts>-<hash of the pod template>}, like the revision names of the real controller. */
    static String revisionOf(StatefulSet sts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(sts.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
            return sts.getMetadata().getName() + "-" + HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- kubelet ----

    private void startPod(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String ip = ipByPod.computeIfAbsent(key(pod), k -> newIp());
        Pod withIp = new PodBuilder(pod).editOrNewStatus().withPodIP(ip).endStatus().build();
        Container container = pod.getSpec().getContainers().get(0);
        Path podDir = workDir.resolve("pods").resolve(ns).resolve(name + "-" + pod.getMetadata().getUid());
        Map<String, Path> mounts = new LinkedHashMap<>();
        Set<Path> claimFolders = new HashSet<>();
        try {
            Files.createDirectories(podDir);
            for (VolumeMount mount : container.getVolumeMounts()) {
                Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                        .findFirst().orElseThrow(() -> new IllegalStateException("no volume " + mount.getName()));
                Path folder = volumeFolder(pod, volume, podDir);
                if (folder == null) {
                    return; // claim not there yet: stays Pending, retried next pass
                }
                if (volume.getPersistentVolumeClaim() != null) {
                    claimFolders.add(folder);
                }
                mounts.put(mount.getMountPath(), mount.getSubPath() == null || mount.getSubPath().isEmpty()
                        ? folder : Files.createDirectories(folder.resolve(mount.getSubPath())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        List<String> entrypoint = new ArrayList<>();
        entrypoint.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        entrypoint.addAll(javaDnsOptions());
        entrypoint.addAll(javaArgs);
        PodProcess process = new PodProcess(ns + "/" + name,
                () -> ContainerLaunch.of(withIp, container, entrypoint, mounts, objects),
                podDir, log(ns, name), container.getReadinessProbe(), ip,
                port -> port.matches("\\d+") ? Integer.parseInt(port) : container.getPorts().stream()
                        .filter(p -> port.equals(p.getName())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no container port " + port)).getContainerPort());
        long grace = Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds()).orElse(30L);
        running.put(key(pod), new Running(pod.getMetadata().getUid(), process, Duration.ofSeconds(grace), claimFolders,
                Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        process.start();
    }

    /** The host folder backing a volume, or null if its claim does not exist yet. */
    private Path volumeFolder(Pod pod, Volume volume, Path podDir) throws IOException {
        String ns = pod.getMetadata().getNamespace();
        if (volume.getPersistentVolumeClaim() != null) {
            PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns)
                    .withName(volume.getPersistentVolumeClaim().getClaimName()).get();
            return claim == null ? null : Files.createDirectories(claimFolder(claim));
        }
        Path folder = Files.createDirectories(podDir.resolve("volumes").resolve(volume.getName()));
        Map<String, String> files = new LinkedHashMap<>();
        if (volume.getConfigMap() != null) {
            ConfigMap cm = client.configMaps().inNamespace(ns).withName(volume.getConfigMap().getName()).get();
            if (cm != null && cm.getData() != null) {
                files.putAll(cm.getData());
            }
        } else if (volume.getSecret() != null) {
            Secret secret = client.secrets().inNamespace(ns).withName(volume.getSecret().getSecretName()).get();
            if (secret != null && secret.getStringData() != null) {
                files.putAll(secret.getStringData());
            }
            if (secret != null && secret.getData() != null) {
                secret.getData().forEach((k, v) -> files.put(k, new String(java.util.Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
            }
        }
        for (var file : files.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue());
        }
        return folder;
    }

    private Path claimFolder(PersistentVolumeClaim claim) {
        return workDir.resolve("volumes").resolve(claim.getMetadata().getNamespace())
                .resolve(claim.getMetadata().getName() + "-" + claim.getMetadata().getUid());
    }

    private void stopGonePods(Map<String, Pod> podByKey) {
        for (var entry : List.copyOf(running.entrySet())) {
            Pod pod = podByKey.get(entry.getKey());
            Running r = entry.getValue();
            if (pod == null || !r.uid().equals(pod.getMetadata().getUid()) || pod.getMetadata().getDeletionTimestamp() != null) {
                stop(entry.getKey(), r);
            }
        }
    }

    private CompletableFuture<Void> stop(String key, Running r) {
        running.remove(key, r);
        CompletableFuture<Void> done = r.process().terminate(r.grace());
        stopping.put(key, done);
        return done.whenComplete((v, e) -> stopping.remove(key, done));
    }

    private void updatePodStatus(Pod pod, Running r) {
        PodProcess p = r.process();
        boolean ready = p.ready();
        String ip = ipByPod.get(key(pod));
        Container container = pod.getSpec().getContainers().get(0);
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(container.getName())
                .withImage(container.getImage()).withImageID("").withReady(ready).withStarted(p.running())
                .withRestartCount(p.restarts());
        p.handle().ifPresent(h -> cs.withContainerID("local://" + h.pid()));
        if (p.running()) {
            cs.withNewState().withNewRunning(time(p.startedAt())).endState();
        } else {
            cs.withNewState().withNewWaiting(null, p.waitingReason()).endState();
        }
        if (p.lastExitCode() != null) {
            cs.withNewLastState().withNewTerminated().withExitCode(p.lastExitCode())
                    .withReason(p.lastExitCode() == 0 ? "Completed" : "Error").endTerminated().endLastState();
        }
        ContainerStatus containerStatus = cs.build();
        String readyTime = ready ? time(p.readySince()) : null;
        List<PodCondition> conditions = List.of(
                condition("PodScheduled", true, time(r.created())),
                condition("Initialized", true, time(r.created())),
                condition("ContainersReady", ready, readyTime),
                condition("Ready", ready, readyTime));
        PodStatus status = new PodStatusBuilder()
                .withPhase(p.startedAt() == null ? "Pending" : "Running")
                .withPodIP(ip).addNewPodIP(ip).withHostIP("127.0.0.1").addNewHostIP("127.0.0.1")
                .withStartTime(time(r.created())).withConditions(conditions)
                .withContainerStatuses(containerStatus).withQosClass("BestEffort")
                .build();
        if (!Serialization.asJson(status).equals(Serialization.asJson(pod.getStatus()))) {
            pod.setStatus(status);
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
        }
    }

    private static PodCondition condition(String type, boolean value, String since) {
        return new PodConditionBuilder().withType(type).withStatus(value ? "True" : "False")
                .withLastTransitionTime(since).build();
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ---- garbage collector ----

    private void collectGarbage() {
        Set<String> live = new HashSet<>();
        List<HasMetadata> dependents = new ArrayList<>();
        client.genericKubernetesResources(GOLT_CLUSTER).inAnyNamespace().list().getItems()
                .forEach(o -> live.add(o.getMetadata().getUid()));
        Stream.of(client.apps().statefulSets(), client.pods(), client.services(), client.configMaps(),
                        client.secrets(), client.persistentVolumeClaims(), client.policy().v1().podDisruptionBudget())
                .forEach(op -> op.inAnyNamespace().list().getItems().forEach(o -> {
                    live.add(o.getMetadata().getUid());
                    dependents.add(o);
                }));
        for (HasMetadata o : dependents) {
            List<OwnerReference> owners = o.getMetadata().getOwnerReferences();
            if (!owners.isEmpty() && owners.stream().noneMatch(ref -> live.contains(ref.getUid()))) {
                LOG.log(System.Logger.Level.INFO, "garbage-collecting {0} {1}/{2}", o.getKind(),
                        o.getMetadata().getNamespace(), o.getMetadata().getName());
                client.resource(o).delete();
            }
        }
        Set<Path> keep = new HashSet<>();
        client.persistentVolumeClaims().inAnyNamespace().list().getItems().forEach(c -> keep.add(claimFolder(c)));
        running.values().forEach(r -> keep.addAll(r.volumes()));
        if (!stopping.isEmpty()) {
            return; // a stopping pod may still write to a folder whose claim is gone
        }
        try (Stream<Path> namespaces = Files.list(workDir.resolve("volumes"))) {
            for (Path ns : namespaces.toList()) {
                try (Stream<Path> folders = Files.list(ns)) {
                    for (Path folder : folders.toList()) {
                        if (!keep.contains(folder)) {
                            deleteTree(folder);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- helpers ----

    private String newIp() {
        int n = nextHost.getAndIncrement();
        return "127.0." + (subnet + n / 250) % 256 + "." + (1 + n % 250);
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static Optional<OwnerReference> controllerOf(HasMetadata o) {
        return o.getMetadata().getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
    }

    private static boolean ownedBy(Pod pod, StatefulSet sts) {
        return controllerOf(pod).map(r -> r.getUid().equals(sts.getMetadata().getUid())).orElse(false);
    }

    private static int ordinal(Pod pod) {
        String name = pod.getMetadata().getName();
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    private static String revisionLabel(Pod pod) {
        return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(REVISION_LABEL);
    }

    private static OwnerReference ownerRef(StatefulSet sts, boolean controller) {
        return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                .withName(sts.getMetadata().getName()).withUid(sts.getMetadata().getUid())
                .withController(controller ? true : null).withBlockOwnerDeletion(true).build();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stops the control loop, then every pod process (SIGTERM, kill after its grace), then deletes the work folder. */
    @Override
    public void close() throws Exception {
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException | IllegalArgumentException exitingOrNotStarted) {
            // nothing to remove
        }
        List<CompletableFuture<Void>> all = new ArrayList<>(stopping.values());
        for (var entry : List.copyOf(running.entrySet())) {
            all.add(stop(entry.getKey(), entry.getValue()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        if (!Boolean.getBoolean("golt.e2e.keepWork")) {
            deleteTree(workDir);
        }
    }
}
