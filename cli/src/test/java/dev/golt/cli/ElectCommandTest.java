// ElectCommandTest: `golt elect` campaigns through etcd's Election service and leads until
// interrupted; `--listen` prints each leader; against a real etcd.
package dev.golt.cli;

import static dev.golt.cli.EtcdCli.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseRevokeRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ElectCommandTest {

    private static EtcdCli e;

    @BeforeAll
    static void start() throws Exception {
        e = new EtcdCli();
    }

    @AfterAll
    static void stop() {
        e.close();
    }

    @Test
    void electPrintsTheLeaderKeyAndProposalOnceElectedAndResignsWhenInterrupted() throws Exception {
        var leader = e.start("elect", "e1", "alpha");
        assertThat(eventually(10_000, () -> leader.out().matches("e1/[0-9a-f]+\nalpha\n"))).as("elected").isTrue();
        assertThat(e.etcd.under("e1/")).hasSize(1);
        var r = leader.interrupt();
        assertThat(r.code()).isZero();
        assertThat(e.etcd.under("e1/")).isEmpty();
    }

    @Test
    void aSecondCandidateLeadsOnlyOnceTheFirstStepsDown() throws Exception {
        var first = e.start("elect", "e2", "first");
        assertThat(eventually(10_000, () -> first.out().endsWith("first\n"))).isTrue();
        var second = e.start("elect", "e2", "second");
        assertThat(eventually(5_000, () -> e.etcd.under("e2/").size() == 2)).isTrue();
        Thread.sleep(300);
        assertThat(second.out()).isEmpty();

        first.interrupt();
        assertThat(eventually(10_000, () -> second.out().endsWith("second\n"))).isTrue();
        second.interrupt();
    }

    @Test
    void listenPrintsEachLeaderInTurnUntilInterrupted() throws Exception {
        var listener = e.start("elect", "e3", "--listen");
        Thread.sleep(500);
        var a = e.start("elect", "e3", "a");
        assertThat(eventually(10_000, () -> listener.out().endsWith("\na\n"))).as(listener.out()).isTrue();
        var b = e.start("elect", "e3", "b");
        assertThat(eventually(5_000, () -> e.etcd.under("e3/").size() == 2)).isTrue();
        a.interrupt();
        assertThat(eventually(10_000, () -> listener.out().endsWith("\nb\n"))).isTrue();
        assertThat(listener.out().lines().filter(l -> l.startsWith("e3/")).count()).isEqualTo(2);
        b.interrupt();
        assertThat(listener.interrupt().code()).isZero();
    }

    @Test
    void aLeaderWhoseLeaseIsRevokedLosesLeadershipAndExitsSix() throws Exception {
        var leader = e.start("elect", "e4", "doomed");
        assertThat(eventually(10_000, () -> leader.out().endsWith("doomed\n"))).isTrue();
        long lease = e.etcd.under("e4/").get(0).getLease();
        LeaseGrpc.newBlockingStub(e.etcd.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
        var r = leader.await(10_000);
        assertThat(r.code()).isEqualTo(ExitCodes.LOST);
        assertThat(r.err()).contains("leadership of e4 lost");
    }

    @Test
    void electNeedsAProposalOrListenButNotBoth() {
        assertThat(e.golt("elect", "e5").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(e.golt("elect", "e5", "x", "--listen").code()).isEqualTo(ExitCodes.USAGE);
    }
}
