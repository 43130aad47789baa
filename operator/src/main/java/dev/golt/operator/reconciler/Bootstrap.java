package dev.golt.operator.reconciler;

import java.util.List;

/**
 * When a cluster counts as formed, after which no member may bootstrap again (the bootstrap
 * ConfigMap says {@code existing}): a leader reported a configuration holding every initial member,
 * and every initial member answered {@code /status} following that leader, so none of them still
 * has its first start (the one that bootstraps) ahead of it. Once true, always true - also across
 * operator restarts, because it is kept in {@code status.bootstrapped}.
 */
final class Bootstrap {

    private Bootstrap() {
    }

    static boolean formed(Boolean recorded, List<String> initialMembers, ClusterState state) {
        if (Boolean.TRUE.equals(recorded)) {
            return true;
        }
        String leader = state.leaderId().orElse(null);
        return leader != null && initialMembers != null && !initialMembers.isEmpty()
                && state.memberIds().containsAll(initialMembers)
                && initialMembers.stream().allMatch(id -> state.statuses().containsKey(id)
                        && leader.equals(state.statuses().get(id).leader()));
    }
}
