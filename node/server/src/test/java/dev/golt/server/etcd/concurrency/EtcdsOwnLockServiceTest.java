// EtcdsOwnLockServiceTest: LockServiceTest's sentences checked against etcd's own v3lock service,
// so that each states what etcd does; where Golt deliberately differs the test is left out here.
package dev.golt.server.etcd.concurrency;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class EtcdsOwnLockServiceTest extends LockServiceTest {

    @Override
    boolean etcdsOwnServices() {
        return true;
    }

    /**
     * etcd 3.4 answers such a waiter with the key its lease lost; 3.5 and later fail it with
     * "mutex: session is expired", as Golt does. Run only against 3.5 or newer (GOLT_ETCD).
     */
    @Test
    @Override
    void aWaiterWhoseLeaseExpiresWhileWaitingFailsWithSessionExpiredWhenItsTurnComes() throws Exception {
        assumeTrue(f.etcd.atLeast(3, 5), "etcd 3.4 does not check the waiter's key when its turn comes");
        super.aWaiterWhoseLeaseExpiresWhileWaitingFailsWithSessionExpiredWhenItsTurnComes();
    }
}
