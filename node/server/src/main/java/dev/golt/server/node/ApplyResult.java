package dev.golt.server.node;

/**
 * The outcome of one applied command.
 *
 * @param found   delete: the key existed; cas: the comparison held
 * @param current cas: the value after the command (the new value on success, the unchanged one otherwise)
 */
public record ApplyResult(long index, boolean found, byte[] current) {}
