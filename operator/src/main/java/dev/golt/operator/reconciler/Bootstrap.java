package dev.golt.operator.reconciler;

import java.util.List;

/**
 * When a cluster counts as formed, after which no member may bootstrap again (the bootstrap
 * ConfigMap says {@code existing}): a leader reported a configuration holding every initial member,
 * so the bootstrap configuration is committed. Once true, always true - also across operator
 * restarts, because it is kept in {@code status.bootstrapped}.
 */
final class Bootstrap {

    private Bootstrap() {
    }

    static boolean formed(Boolean recorded, List<String> initialMembers, ClusterState state) {
        if (Boolean.TRUE.equals(recorded)) {
            return true;
        }
        return state.leaderStatus().isPresent() && initialMembers != null && !initialMembers.isEmpty()
                && state.memberIds().containsAll(initialMembers);
    }
}
