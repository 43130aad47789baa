package dev.golt.raft;

/**
 * Tuning of the core, in ticks and bytes. The driver decides how long a tick is (the node
 * server's default is 10 ms, so the default election timeout is 150–300 ms).
 *
 * @param id                 this member's id
 * @param electionTicksMin   smallest randomized election timeout
 * @param electionTicksMax   largest randomized election timeout (exclusive)
 * @param heartbeatTicks     leader heartbeat interval
 * @param maxMsgBytes        batching limit for the entries of one append
 * @param maxMsgEntries      batching limit for the number of entries of one append
 * @param maxInflight        appends in flight per follower in replicate state (pipelining window)
 * @param preVote            run a pre-vote round before disrupting the term
 * @param checkQuorum        a leader that has not heard from a quorum for an election timeout steps down
 * @param seed               seed of the randomness of election timeouts
 */
public record RaftConfig(
        String id,
        int electionTicksMin,
        int electionTicksMax,
        int heartbeatTicks,
        long maxMsgBytes,
        int maxMsgEntries,
        int maxInflight,
        boolean preVote,
        boolean checkQuorum,
        long seed) {

    public RaftConfig {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("id must be non-empty");
        }
        if (heartbeatTicks < 1) {
            throw new IllegalArgumentException("heartbeatTicks must be >= 1, was " + heartbeatTicks);
        }
        if (electionTicksMin <= heartbeatTicks) {
            throw new IllegalArgumentException("electionTicksMin (" + electionTicksMin
                    + ") must exceed heartbeatTicks (" + heartbeatTicks + ")");
        }
        if (electionTicksMax <= electionTicksMin) {
            throw new IllegalArgumentException("electionTicksMax (" + electionTicksMax
                    + ") must exceed electionTicksMin (" + electionTicksMin + ")");
        }
        if (maxMsgBytes < 1 || maxMsgEntries < 1 || maxInflight < 1) {
            throw new IllegalArgumentException("maxMsgBytes, maxMsgEntries and maxInflight must be >= 1");
        }
    }

    /** Defaults: election 15–30 ticks, heartbeat every 2, 1 MiB / 512 entries per append, 256 in flight. */
    public static RaftConfig defaults(String id, long seed) {
        return new RaftConfig(id, 15, 30, 2, 1 << 20, 512, 256, true, true, seed);
    }
}
