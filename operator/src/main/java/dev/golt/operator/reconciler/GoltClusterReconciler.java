package dev.golt.operator.reconciler;

import dev.golt.operator.OperatorMetrics;
import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.GoltClusterStatus;
import dev.golt.operator.crd.MemberStatus;
import dev.golt.operator.dependent.ClientServiceDependent;
import dev.golt.operator.dependent.DesiredState;
import dev.golt.operator.dependent.HeadlessServiceDependent;
import dev.golt.operator.dependent.BootstrapConfigDependent;
import dev.golt.operator.dependent.PodDisruptionBudgetDependent;
import dev.golt.operator.dependent.StatefulSetDependent;
import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.model.SpecProblem;
import dev.golt.operator.model.SpecValidator;
import dev.golt.operator.model.StorageDrift;
import dev.golt.operator.node.NodeClient;
import dev.golt.operator.node.NodeStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one GoltCluster in ordered steps (Strimzi's {@code KafkaReconciler} idea):
 * validate → dependents → membership → rolling restart → snapshots → status. A step that changes
 * something or waits for the cluster ends the changing part of this pass; the status is always
 * written, from the nodes' own {@code /status} answers. Invalid specs and pause skip every change.
 *
 * <p>Not synchronized: JOSDK never runs two reconciliations of the same resource at once, and
 * different clusters must not wait on each other (one whose pods are black-holed would stall all).
 */
public class GoltClusterReconciler implements Reconciler<GoltCluster> {

    private static final Logger LOG = LoggerFactory.getLogger(GoltClusterReconciler.class);
    static final Duration BUSY_RESCHEDULE = Duration.ofSeconds(5);
    static final Duration IDLE_RESCHEDULE = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final ClusterObserver observer;
    private final MembershipStep membership;
    private final GoltRoller roller;
    private final SnapshotStep snapshots;
    private final OperatorMetrics metrics;
    private final Clock clock;

    private final StatefulSetDependent statefulSet = new StatefulSetDependent();
    private final HeadlessServiceDependent headlessService = new HeadlessServiceDependent();
    private final ClientServiceDependent clientService = new ClientServiceDependent();
    private final BootstrapConfigDependent bootstrapConfig = new BootstrapConfigDependent();
    private final String clusterDomain;
    private final PodDisruptionBudgetDependent podDisruptionBudget = new PodDisruptionBudgetDependent();

    public GoltClusterReconciler(KubernetesClient client, NodeClient nodes, Function<Pod, URI> endpoints,
                                 OperatorMetrics metrics, Clock clock) {
        this(client, nodes, endpoints, metrics, clock, GoltClusterModel.DEFAULT_CLUSTER_DOMAIN);
    }

    /** @param clusterDomain the cluster's DNS domain, used in the members' stable addresses */
    public GoltClusterReconciler(KubernetesClient client, NodeClient nodes, Function<Pod, URI> endpoints,
                                 OperatorMetrics metrics, Clock clock, String clusterDomain) {
        this.client = client;
        this.clusterDomain = clusterDomain;
        this.observer = new ClusterObserver(client, nodes, endpoints);
        this.membership = new MembershipStep(nodes, metrics::membershipChanged);
        this.metrics = metrics;
        this.clock = clock;
        this.snapshots = new SnapshotStep(nodes, clock);
        this.roller = new GoltRoller(nodes, new KubernetesPodRestarter(client), clock, metrics::podRestarted);
    }

    /** Every kind the dependents manage; {@code RbacRequirementsTest} checks them against the RBAC file. */
    public List<Class<?>> dependentResourceTypes() {
        return Arrays.asList(statefulSet.resourceType(), headlessService.resourceType(), clientService.resourceType(),
                bootstrapConfig.resourceType(), podDisruptionBudget.resourceType());
    }

    @Override
    public List<EventSource<?, GoltCluster>> prepareEventSources(EventSourceContext<GoltCluster> context) {
        List<EventSource<?, GoltCluster>> sources = new ArrayList<>(EventSourceUtils.dependentEventSources(context,
                statefulSet, headlessService, clientService, bootstrapConfig, podDisruptionBudget));
        // Pods are owned by the StatefulSet, not the cluster: map them back by the instance label.
        sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, GoltCluster.class)
                .withName("pods")
                .withLabelSelector(GoltClusterModel.MANAGED_BY_SELECTOR)
                .withSecondaryToPrimaryMapper(pod -> {
                    String instance = pod.getMetadata().getLabels().get(GoltClusterModel.LABEL_INSTANCE);
                    return instance == null ? Set.of() : Set.of(new ResourceID(instance, pod.getMetadata().getNamespace()));
                })
                .build(), context));
        return sources;
    }

    @Override
    public UpdateControl<GoltCluster> reconcile(GoltCluster cluster, Context<GoltCluster> context) {
        GoltClusterModel model = new GoltClusterModel(cluster, clusterDomain);
        GoltClusterStatus previous = cluster.getStatus() == null ? new GoltClusterStatus() : cluster.getStatus();
        GoltClusterStatus status = copy(previous);
        long generation = cluster.getMetadata().getGeneration() == null ? 0 : cluster.getMetadata().getGeneration();

        List<SpecProblem> problems = new ArrayList<>(SpecValidator.validate(cluster.getSpec(), this::storageClassExists));
        ClusterState state = observer.observe(model);
        if (status.initialMembers == null || status.initialMembers.isEmpty()) {
            status.initialMembers = initialMembers(state, model);
        }
        status.bootstrapped = Bootstrap.formed(previous.bootstrapped, status.initialMembers, state) ? true : null;
        StorageDrift.of(model, state.statefulSet()).ifPresent(problems::add);
        SpecValidator.validateName(model.name()).ifPresent(problems::add);

        StepResult outcome;
        List<SpecProblem> blocking = problems.stream().filter(SpecProblem::blocking).toList();
        if (!blocking.isEmpty()) {
            outcome = StepResult.blocked(Conditions.REASON_INVALID_SPEC,
                    blocking.stream().map(SpecProblem::message).collect(Collectors.joining("; ")));
        } else if (model.paused()) {
            outcome = StepResult.blocked(Conditions.REASON_PAUSED, "reconciliation paused; nothing is changed");
        } else {
            outcome = applyChanges(cluster, context, model, state, status);
            state = observer.observe(model);
        }
        writeStatus(status, state, model, outcome, problems, generation);
        LOG.debug("{}/{}: {} {} {}", model.namespace(), model.name(), outcome.kind(), outcome.reason(), outcome.message());
        boolean busy = outcome.kind() != StepResult.Kind.DONE;
        Duration next = busy ? BUSY_RESCHEDULE : snapshots.untilNext(state, status.lastSnapshot,
                        cluster.getMetadata().getCreationTimestamp())
                .map(d -> d.compareTo(IDLE_RESCHEDULE) < 0 ? d.plusSeconds(1) : IDLE_RESCHEDULE).orElse(IDLE_RESCHEDULE);
        if (!Objects.equals(json(status), json(previous))) {
            replaceStatus(cluster, context, fresh -> status);
        }
        return UpdateControl.<GoltCluster>noUpdate().rescheduleAfter(next);
    }

    /**
     * Replaces the status (PUT on {@code /status}) with optimistic locking and puts the answer into
     * JOSDK's cache, so the next pass starts from what was written. JOSDK's own non-SSA
     * {@code patchStatus} sends a JSON Patch computed against the informer's copy and does not cache
     * the result: a pass that starts before the watch event of the previous write arrives diffs
     * against a stale status, and index-based operations (members, conditions) then fail on the
     * server (422; the mock API server never answers). On a conflict JOSDK waits for a newer cached
     * copy and applies {@code change} to it again.
     */
    private static void replaceStatus(GoltCluster cluster, Context<GoltCluster> context,
                                    Function<GoltCluster, GoltClusterStatus> change) {
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(cluster, context, fresh -> {
            fresh.setStatus(change.apply(fresh));
            return fresh;
        });
    }

    private StepResult applyChanges(GoltCluster cluster, Context<GoltCluster> context, GoltClusterModel model,
                                    ClusterState state, GoltClusterStatus status) {
        int desired = model.replicas();
        int statefulSetSize = MembershipStep.statefulSetReplicas(state, desired);
        new DesiredState(model, statefulSetSize, status.initialMembers,
                Boolean.TRUE.equals(status.bootstrapped),
                state.statefulSet() == null ? null : state.statefulSet().getSpec().getVolumeClaimTemplates())
                .putInto(context);
        bootstrapConfig.reconcile(cluster, context);
        headlessService.reconcile(cluster, context);
        clientService.reconcile(cluster, context);
        if (model.podDisruptionBudgetEnabled()) {
            podDisruptionBudget.reconcile(cluster, context);
        } else {
            podDisruptionBudget.delete(cluster, context);
        }
        statefulSet.reconcile(cluster, context);

        StepResult members = membership.reconcile(state, desired);
        if (!members.isDone()) {
            return members;
        }
        deleteClaimsOfRemovedMembers(model, state, statefulSetSize);
        StepResult roll = roller.roll(state, () -> observer.observe(model));
        if (!roll.isDone()) {
            return roll;
        }
        if (snapshots.due(state, status.lastSnapshot, cluster.getMetadata().getCreationTimestamp())) {
            SnapshotStep.Result result = snapshots.snapshot(state);
            if (result.status() == null) {
                return StepResult.blocked(SnapshotStep.REASON_SNAPSHOT_FAILED, result.failure());
            }
            status.lastSnapshot = result.status();
            metrics.snapshotTaken();
        }
        return StepResult.done();
    }

    /**
     * Claims of pods above the StatefulSet's size, once their pods are gone, when the spec says so.
     * The size is the larger of the observed one and the one this pass just wrote (a scale-up in
     * this pass must not lose the claims its pods are about to use), and each claim is deleted only
     * in the version just listed (resourceVersion precondition).
     */
    private void deleteClaimsOfRemovedMembers(GoltClusterModel model, ClusterState state, int writtenSize) {
        if (!model.deleteClaimsOnScaleDown() || state.statefulSet() == null) {
            return;
        }
        int size = Math.max(state.statefulSetReplicas(), writtenSize);
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(model.namespace())
                .withLabels(model.selectorLabels()).list().getItems()) {
            String claimName = claim.getMetadata().getName();
            String podName = claimName.startsWith(GoltClusterModel.DATA_VOLUME + "-")
                    ? claimName.substring(GoltClusterModel.DATA_VOLUME.length() + 1) : null;
            int ordinal = model.ordinalOf(podName);
            if (ordinal >= size && !state.pods().containsKey(podName) && !state.memberIds().contains(podName)) {
                LOG.info("deleting claim {} of removed member {}", claimName, podName);
                client.persistentVolumeClaims().inNamespace(model.namespace()).withName(claimName)
                        .lockResourceVersion(claim.getMetadata().getResourceVersion()).delete();
            }
        }
    }

    private List<String> initialMembers(ClusterState state, GoltClusterModel model) {
        if (state.statefulSet() != null) {
            Map<String, String> annotations = state.statefulSet().getMetadata().getAnnotations();
            String recorded = annotations == null ? null : annotations.get(GoltClusterModel.ANNOTATION_INITIAL_MEMBERS);
            if (recorded != null && !recorded.isBlank()) {
                return List.of(recorded.split(","));
            }
        }
        return model.memberIds(model.replicas());
    }

    private boolean storageClassExists(String name) {
        return client.storage().v1().storageClasses().withName(name).get() != null;
    }

    private void writeStatus(GoltClusterStatus status, ClusterState state, GoltClusterModel model, StepResult outcome,
                             List<SpecProblem> problems, long generation) {
        var now = clock.instant();
        status.observedGeneration = generation;
        // Again from the final observation, so the status that first says Ready also says bootstrapped.
        status.bootstrapped = Bootstrap.formed(status.bootstrapped, status.initialMembers, state) ? true : null;
        status.replicas = state.runningPodIds().size();
        status.selector = model.selectorString();
        status.leader = state.leaderId().orElse(null);
        List<NodeStatus.Member> configured = state.members();
        List<MemberStatus> members = new ArrayList<>();
        for (NodeStatus.Member member : configured) {
            members.add(new MemberStatus(member.id(), member.role(), state.healthy(member.id())));
        }
        status.members = members;
        status.readyReplicas = (int) configured.stream().filter(m -> state.healthy(m.id())).count();
        List<String> ids = model.memberIds(model.replicas());
        boolean rolledOut = state.rolledOut();
        if (rolledOut) {
            status.currentImage = state.pods().keySet().stream().map(state::podImage).filter(Objects::nonNull)
                    .findFirst().orElse(status.currentImage);
        }

        boolean available = state.available();
        var conditions = status.conditions;
        conditions = Conditions.set(conditions, Conditions.AVAILABLE, available,
                available ? Conditions.REASON_QUORUM : Conditions.REASON_NO_QUORUM,
                state.healthyVoters().size() + " of " + state.voters().size() + " voters healthy"
                        + (status.leader == null ? ", no leader" : ", leader " + status.leader), generation, now);
        boolean allReady = available && ids.stream().allMatch(state::healthy)
                && state.voters().size() == ids.size() && configured.size() == ids.size();
        // Done means the StatefulSet controller saw the latest template and every pod runs it, so
        // "kubectl wait --for=condition=Ready" after a change returns only when the change is live.
        boolean ready = allReady && outcome.isDone() && rolledOut;
        String notRolledOut = rolledOut ? "" : "; waiting for every pod to run the StatefulSet's update revision";
        conditions = Conditions.set(conditions, Conditions.READY, ready,
                ready ? Conditions.REASON_ALL_MEMBERS_READY : Conditions.REASON_MEMBERS_NOT_READY,
                status.readyReplicas + " of " + ids.size() + " members ready"
                        + (outcome.isDone() ? notRolledOut : "; " + outcome.message()), generation, now);
        boolean progressing = outcome.kind() == StepResult.Kind.BUSY
                || (outcome.kind() == StepResult.Kind.BLOCKED && !Conditions.REASON_PAUSED.equals(outcome.reason())
                        && !Conditions.REASON_INVALID_SPEC.equals(outcome.reason()));
        boolean reconciled = outcome.isDone() && rolledOut;
        conditions = Conditions.set(conditions, Conditions.PROGRESSING, progressing || (outcome.isDone() && !rolledOut),
                reconciled ? Conditions.REASON_RECONCILED : outcome.isDone() ? GoltRoller.REASON_WAITING_FOR_STATEFULSET
                        : outcome.reason(),
                reconciled ? "cluster matches the spec" : outcome.isDone()
                        ? "waiting for every pod to run the StatefulSet's update revision" : outcome.message(),
                generation, now);
        boolean degraded = outcome.kind() == StepResult.Kind.DEGRADED
                || Conditions.REASON_INVALID_SPEC.equals(outcome.reason())
                || (!available && !state.pods().isEmpty() && outcome.kind() != StepResult.Kind.BUSY);
        String degradedReason = outcome.kind() == StepResult.Kind.DEGRADED || Conditions.REASON_INVALID_SPEC.equals(outcome.reason())
                ? outcome.reason() : degraded ? Conditions.REASON_NO_QUORUM : Conditions.REASON_AS_EXPECTED;
        conditions = Conditions.set(conditions, Conditions.DEGRADED, degraded, degradedReason,
                degraded ? (Conditions.REASON_NO_QUORUM.equals(degradedReason) ? "no quorum of healthy voters"
                        : outcome.message()) : "", generation, now);
        List<SpecProblem> warnings = problems.stream().filter(p -> !p.blocking()).toList();
        conditions = Conditions.set(conditions, Conditions.SPEC_WARNING, !warnings.isEmpty(),
                warnings.isEmpty() ? Conditions.REASON_NO_WARNINGS : warnings.get(0).reason(),
                warnings.stream().map(SpecProblem::message).collect(Collectors.joining("; ")), generation, now);
        status.conditions = conditions;
    }

    @Override
    public ErrorStatusUpdateControl<GoltCluster> updateErrorStatus(GoltCluster cluster, Context<GoltCluster> context,
                                                                   Exception e) {
        LOG.warn("reconciliation of {} failed", cluster.getMetadata().getName(), e);
        try {
            replaceStatus(cluster, context, fresh -> {
                GoltClusterStatus status = fresh.getStatus() == null ? new GoltClusterStatus() : fresh.getStatus();
                long generation = fresh.getMetadata().getGeneration() == null ? 0 : fresh.getMetadata().getGeneration();
                status.conditions = Conditions.set(status.conditions, Conditions.PROGRESSING, true,
                        Conditions.REASON_RECONCILE_ERROR, String.valueOf(e.getMessage()), generation, clock.instant());
                return status;
            });
        } catch (RuntimeException statusFailure) {
            LOG.warn("could not report the failure of {} in its status", cluster.getMetadata().getName(), statusFailure);
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    private static GoltClusterStatus copy(GoltClusterStatus status) {
        return io.fabric8.kubernetes.client.utils.Serialization.clone(status);
    }

    private static String json(Object value) {
        return io.fabric8.kubernetes.client.utils.Serialization.asJson(value);
    }
}
