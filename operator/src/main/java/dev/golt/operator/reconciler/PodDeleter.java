package dev.golt.operator.reconciler;

/** Deletes a member pod so its StatefulSet (update strategy OnDelete) recreates it from the current template. */
@FunctionalInterface
public interface PodDeleter {
    void delete(String namespace, String podName);
}
