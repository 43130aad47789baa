package dev.golt.raft;

/** Volatile state worth reporting: who leads (empty string when unknown) and this node's role. */
public record SoftState(String leader, Role role) {}
