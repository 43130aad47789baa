// EtcdsOwnElectionServiceTest: ElectionServiceTest's sentences checked against etcd's own
// v3election service, so that each states what etcd does; where Golt deliberately differs the test
// is left out here.
package dev.golt.server.etcd.concurrency;

class EtcdsOwnElectionServiceTest extends ElectionServiceTest {

    @Override
    boolean etcdsOwnServices() {
        return true;
    }

    /** etcd answers such a campaign with a leader key its lease has already lost; Golt says "election: not leader". */
    @Override
    void aCampaignerWhoseLeaseExpiresWhileWaitingIsNotLeaderWhenItsTurnComes() {}
}
