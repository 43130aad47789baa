package dev.golt.operator.model;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Spots a spec whose storage differs from the claim template of the existing StatefulSet. The API
 * server refuses any change to claim templates, so the operator keeps the existing ones (the CRD
 * refuses such edits too; this catches objects written before that rule, or with it bypassed) and
 * says so instead of failing every StatefulSet update.
 */
public final class StorageDrift {

    public static final String REASON_STORAGE_CHANGE_NOT_APPLIED = "StorageChangeNotApplied";

    private StorageDrift() {
    }

    public static Optional<SpecProblem> of(GoltClusterModel model, StatefulSet existing) {
        if (existing == null || existing.getSpec() == null || existing.getSpec().getVolumeClaimTemplates() == null) {
            return Optional.empty();
        }
        PersistentVolumeClaim wanted = model.volumeClaimTemplate();
        Optional<PersistentVolumeClaim> actual = existing.getSpec().getVolumeClaimTemplates().stream()
                .filter(c -> GoltClusterModel.DATA_VOLUME.equals(c.getMetadata().getName())).findFirst();
        if (actual.isEmpty()) {
            return Optional.empty();
        }
        Quantity wantedSize = wanted.getSpec().getResources().getRequests().get("storage");
        Quantity actualSize = actual.get().getSpec().getResources() == null
                || actual.get().getSpec().getResources().getRequests() == null
                ? null : actual.get().getSpec().getResources().getRequests().get("storage");
        boolean sizeDiffers = actualSize == null
                || Quantity.getAmountInBytes(wantedSize).compareTo(Quantity.getAmountInBytes(actualSize)) != 0;
        String wantedClass = wanted.getSpec().getStorageClassName();
        // Absent in the spec means "the cluster default": only an explicit, different class is a change.
        boolean classDiffers = wantedClass != null
                && !Objects.equals(wantedClass, actual.get().getSpec().getStorageClassName());
        if (!sizeDiffers && !classDiffers) {
            return Optional.empty();
        }
        return Optional.of(SpecProblem.warning(REASON_STORAGE_CHANGE_NOT_APPLIED, "spec.storage (size "
                + wantedSize + ", class " + (wantedClass == null ? "default" : wantedClass)
                + ") differs from the StatefulSet's claim template (size " + actualSize + ", class "
                + actual.get().getSpec().getStorageClassName() + "); claim templates are immutable, so the existing"
                + " ones are kept and the change is not applied"));
    }
}
