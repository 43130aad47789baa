package dev.golt.raft;

/** The core refused a proposal, read or membership change; nothing was appended. */
public class ProposalDroppedException extends RuntimeException {
    public ProposalDroppedException(String reason) {
        super(reason);
    }
}
