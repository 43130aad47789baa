// SessionLease: the lease a Lock or Campaign call holds its key with; what etcd's servers keep of
// concurrency.NewSession (client/v3/concurrency/session.go) once they have orphaned the session.
package dev.golt.server.etcd.concurrency;

/**
 * etcd's v3lock and v3election servers open a session with the request's lease and orphan it at
 * once: nothing on the server keeps the lease alive, the caller does. A request without a lease (0)
 * makes the session grant one of the session's default TTL, which then runs out unless someone
 * keeps it alive.
 */
final class SessionLease {

    /** concurrency.defaultSessionTTL, in seconds. */
    static final long DEFAULT_TTL_SECONDS = 60;

    private SessionLease() {}

    static long resolve(V3Client client, long requested) {
        return requested != 0 ? requested : client.grant(DEFAULT_TTL_SECONDS);
    }
}
