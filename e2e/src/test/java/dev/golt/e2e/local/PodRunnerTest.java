package dev.golt.e2e.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.golt.e2e.Await;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod runner on its own, with {@link FakeNode} as the container. */
@EnableKubernetesMockClient(crud = true)
class PodRunnerTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    static KubernetesClient client;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path workDir;
    private PodRunner runner;
    private String ns;

    @BeforeEach
    void start() throws Exception {
        LocalEnvironment.quietMockServer();
        Path base = Path.of(System.getProperty("golt.e2e.workDir", "target/e2e-work"));
        Files.createDirectories(base);
        workDir = Files.createTempDirectory(base, "runner");
        runner = new PodRunner(client, workDir,
                List.of("-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("golt.e2e.testClasses", "target/test-classes"), FakeNode.class.getName()))
                .start();
        ns = client.getNamespace();
    }

    @AfterEach
    void stop() throws Exception {
        runner.close();
        assertThat(runner.activeProcesses()).isZero();
        if (!Boolean.getBoolean("golt.e2e.keepWork")) {
            assertThat(workDir).doesNotExist();
        }
    }

    @Test
    void playsStatefulSetControllerAndKubelet() throws Exception {
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cfg").endMetadata()
                .addToData("GREETING", "hello").build()).create();
        client.apps().statefulSets().inNamespace(ns).resource(statefulSet(2, List.of())).create();

        Await.until("2 ready replicas", BOUND, () -> readyReplicas() == 2);
        StatefulSet sts = sts();
        String revision = sts.getStatus().getUpdateRevision();
        assertThat(sts.getStatus().getCurrentRevision()).isEqualTo(revision);
        assertThat(sts.getStatus().getUpdatedReplicas()).isEqualTo(2);
        Pod pod0 = pod("fake-0");
        Pod pod1 = pod("fake-1");
        assertThat(pod0.getStatus().getPodIP()).matches("127\\.0\\.\\d+\\.\\d+").isNotEqualTo(pod1.getStatus().getPodIP());
        assertThat(pod0.getMetadata().getLabels()).containsEntry(PodRunner.REVISION_LABEL, revision).containsEntry("app", "fake");
        assertThat(pod0.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-fake-0").get()).isNotNull();

        JsonNode info = info(pod0);
        assertThat(info.get("boots").asInt()).isEqualTo(1);
        assertThat(info.get("env").get("POD_NAME").asText()).isEqualTo("fake-0");
        assertThat(info.get("env").get("GREETING").asText()).isEqualTo("hello");
        assertThat(info.get("argv").toString()).contains("\"" + pod0.getStatus().getPodIP() + ":8000\"", "\"hello-fake-0\"")
                .doesNotContain("/var/lib/golt");
        assertThat(info.get("resolved").get("fake-1.fake-hl." + ns + ".svc.cluster.local").asText())
                .isEqualTo(pod1.getStatus().getPodIP());

        // A crashed container restarts on the same data folder.
        runner.process(ns, "fake-0").orElseThrow().destroyForcibly();
        Await.until("fake-0 restarted and ready", BOUND, () -> {
            var cs = pod("fake-0").getStatus().getContainerStatuses().get(0);
            return cs.getRestartCount() == 1 && cs.getReady();
        });
        assertThat(info(pod("fake-0")).get("boots").asInt()).isEqualTo(2);

        // OnDelete: a template change restarts nothing until a pod is deleted.
        long pid1 = runner.process(ns, "fake-1").orElseThrow().pid();
        client.apps().statefulSets().inNamespace(ns).withName("fake")
                .edit(s -> {
                    s.setSpec(statefulSet(2, List.of("--ignore-term")).getSpec());
                    return s;
                });
        Await.until("new update revision", BOUND, () -> !revision.equals(sts().getStatus().getUpdateRevision()));
        Thread.sleep(3 * PodRunner.TICK_MS);
        assertThat(runner.process(ns, "fake-1").orElseThrow().pid()).isEqualTo(pid1);
        assertThat(sts().getStatus().getCurrentRevision()).isEqualTo(revision);
        assertThat(sts().getStatus().getUpdatedReplicas()).isZero();

        client.pods().inNamespace(ns).withName("fake-1").delete();
        Await.until("fake-1 back from the new template", BOUND, () -> {
            Pod p = pod("fake-1");
            return p != null && sts().getStatus().getUpdateRevision().equals(p.getMetadata().getLabels().get(PodRunner.REVISION_LABEL))
                    && readyReplicas() == 2;
        });
        JsonNode info1 = info(pod("fake-1"));
        assertThat(info1.get("argv").toString()).contains("--ignore-term");
        assertThat(info1.get("boots").asInt()).isEqualTo(2);
        assertThat(sts().getStatus().getUpdatedReplicas()).isEqualTo(1);

        // Scale down: the pod ignores SIGTERM, so it must be killed after its grace period; its claim stays.
        ProcessHandle ignoring = runner.process(ns, "fake-1").orElseThrow();
        client.apps().statefulSets().inNamespace(ns).withName("fake").scale(1);
        Await.until("fake-1 killed", BOUND, () -> !ignoring.isAlive() && pod("fake-1") == null);
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-fake-1").get()).isNotNull();
        Await.until("one replica", BOUND, () -> sts().getStatus().getReplicas() == 1);

        assertThat(Files.readString(runner.hostsFile())).contains("fake-0.fake-hl." + ns + ".svc.cluster.local");

        // Deleting the StatefulSet garbage-collects its pods, whose processes stop.
        ProcessHandle last = runner.process(ns, "fake-0").orElseThrow();
        client.apps().statefulSets().inNamespace(ns).withName("fake").delete();
        Await.until("pods collected and stopped", BOUND,
                () -> client.pods().inNamespace(ns).list().getItems().isEmpty() && !last.isAlive() && runner.activeProcesses() == 0);
    }

    private StatefulSet statefulSet(int replicas, List<String> extraArgs) {
        return new StatefulSetBuilder()
                .withNewMetadata().withName("fake").withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName("fake-hl").withPodManagementPolicy("Parallel")
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                .withNewSelector().withMatchLabels(Map.of("app", "fake")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "fake")).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(2L)
                .addNewContainer().withName("node").withImage("golt/fake:ignored")
                .addAllToArgs(List.of("--http", "$(POD_IP):8000", "--data", "/var/lib/golt/data", "--greeting", "$(GREETING)-$(POD_NAME)",
                        "--resolve", "fake-1.fake-hl.$(POD_NAMESPACE).svc.cluster.local"))
                .addAllToArgs(extraArgs)
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnvFrom().withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
                .addNewPort().withName("http").withContainerPort(8000).endPort()
                .addNewVolumeMount().withName("data").withMountPath("/var/lib/golt").endVolumeMount()
                .withNewReadinessProbe().withNewHttpGet().withPath("/q/health/ready").withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().endTemplate()
                .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec()
                .endVolumeClaimTemplate()
                .endSpec().build();
    }

    private StatefulSet sts() {
        return client.apps().statefulSets().inNamespace(ns).withName("fake").get();
    }

    private int readyReplicas() {
        StatefulSet sts = sts();
        return sts.getStatus() == null || sts.getStatus().getReadyReplicas() == null ? 0 : sts.getStatus().getReadyReplicas();
    }

    private Pod pod(String name) {
        return client.pods().inNamespace(ns).withName(name).get();
    }

    private JsonNode info(Pod pod) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + pod.getStatus().getPodIP() + ":8000/info")).build();
        return Serialization.jsonMapper().readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }
}
