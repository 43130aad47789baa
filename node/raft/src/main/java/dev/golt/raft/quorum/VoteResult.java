package dev.golt.raft.quorum;

/** The outcome of counting votes against a configuration (etcd-io/raft's quorum.VoteResult). */
public enum VoteResult {
    /** Not decided yet: the missing votes could still go either way. */
    PENDING,
    /** No quorum can grant any more, whatever the missing votes say. */
    LOST,
    /** A quorum granted. */
    WON
}
