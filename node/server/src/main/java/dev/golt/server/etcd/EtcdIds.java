package dev.golt.server.etcd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * etcd names members by uint64 ids; Golt by strings (on Kubernetes, pod names). A member's etcd id
 * is the first eight bytes of the SHA-256 of its Golt id: the same on every node, stable across
 * restarts, and never 0 (etcd's "no member").
 */
public final class EtcdIds {

    private EtcdIds() {}

    public static long memberId(String goltId) {
        if (goltId == null || goltId.isEmpty()) {
            return 0;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(goltId.getBytes(StandardCharsets.UTF_8));
            long id = ByteBuffer.wrap(d).getLong();
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
