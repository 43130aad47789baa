package dev.golt.e2e.kube;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An external volume provisioner for the test cluster, in the manner of
 * {@code sigs.k8s.io/sig-storage-lib-external-provisioner}: the default StorageClass
 * {@value #STORAGE_CLASS} names it; for every claim of that class the real PersistentVolume
 * controller marks as waiting for {@value #PROVISIONER}, it makes a folder and a
 * PersistentVolume (hostPath, {@code claimRef} set) which the controller then binds; a volume
 * the controller has released whose reclaim policy is {@code Delete} is deleted with its folder,
 * one whose policy is {@code Retain} stays. So StatefulSet claim retention and claim deletion are
 * what Kubernetes makes of them.
 */
public final class FolderProvisioner implements AutoCloseable {
    public static final String STORAGE_CLASS = "golt-local";
    public static final String PROVISIONER = "e2e.golt.dev/folder";
    private static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    private static final System.Logger LOG = System.getLogger(FolderProvisioner.class.getName());

    private final KubernetesClient admin;
    private final Path root;
    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final SharedIndexInformer<PersistentVolume> volumes;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("folder-provisioner").daemon().factory());

    public FolderProvisioner(KubernetesClient admin, Path root) {
        this.admin = admin;
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        admin.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName(STORAGE_CLASS)
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
                .withProvisioner(PROVISIONER).withReclaimPolicy("Delete").withVolumeBindingMode("Immediate")
                .build()).serverSideApply();
        claims = admin.persistentVolumeClaims().inAnyNamespace().inform();
        volumes = admin.persistentVolumes().inform();
        loop.scheduleWithFixedDelay(this::pass, 0, 300, TimeUnit.MILLISECONDS);
    }

    /** The folder backing a volume this provisioner made. */
    private static Path folderOf(PersistentVolume volume) {
        return Path.of(volume.getSpec().getHostPath().getPath());
    }

    private void pass() {
        try {
            for (PersistentVolumeClaim claim : claims.getStore().list()) {
                if (wantsVolume(claim)) {
                    provision(claim);
                }
            }
            for (PersistentVolume volume : volumes.getStore().list()) {
                if (PROVISIONER.equals(annotations(volume).get(PROVISIONED_BY)) && volume.getStatus() != null
                        && "Released".equals(volume.getStatus().getPhase())
                        && "Delete".equals(volume.getSpec().getPersistentVolumeReclaimPolicy())
                        && volume.getMetadata().getDeletionTimestamp() == null) {
                    LOG.log(System.Logger.Level.INFO, "deleting released volume {0}", volume.getMetadata().getName());
                    ControlPlane.deleteTree(folderOf(volume));
                    admin.persistentVolumes().resource(volume).delete();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "provisioner pass failed; retrying", e);
        }
    }

    private static boolean wantsVolume(PersistentVolumeClaim claim) {
        return claim.getMetadata().getDeletionTimestamp() == null
                && (claim.getSpec().getVolumeName() == null || claim.getSpec().getVolumeName().isEmpty())
                && PROVISIONER.equals(annotations(claim).get("volume.kubernetes.io/storage-provisioner"));
    }

    private void provision(PersistentVolumeClaim claim) throws IOException {
        String name = "pvc-" + claim.getMetadata().getUid();
        if (volumes.getStore().getByKey(name) != null) {
            return;
        }
        Path folder = Files.createDirectories(root.resolve(name));
        PersistentVolume volume = new PersistentVolumeBuilder()
                .withNewMetadata().withName(name).addToAnnotations(PROVISIONED_BY, PROVISIONER).endMetadata()
                .withNewSpec()
                    .withCapacity(claim.getSpec().getResources().getRequests())
                    .withAccessModes(claim.getSpec().getAccessModes())
                    .withStorageClassName(claim.getSpec().getStorageClassName())
                    .withPersistentVolumeReclaimPolicy("Delete")
                    .withVolumeMode(claim.getSpec().getVolumeMode())
                    .withNewHostPath().withPath(folder.toString()).withType("Directory").endHostPath()
                    .withNewClaimRef().withNamespace(claim.getMetadata().getNamespace())
                        .withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid()).endClaimRef()
                .endSpec()
                .build();
        try {
            admin.persistentVolumes().resource(volume).create();
            LOG.log(System.Logger.Level.INFO, "provisioned {0} for claim {1}/{2}", name,
                    claim.getMetadata().getNamespace(), claim.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata o) {
        return o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations();
    }

    @Override
    public void close() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
        claims.close();
        volumes.close();
    }
}
