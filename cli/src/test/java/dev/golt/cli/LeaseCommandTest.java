// LeaseCommandTest: `golt lease grant | keepalive | revoke` against a real etcd, with etcdctl's output.
package dev.golt.cli;

import static dev.golt.cli.EtcdCli.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseTimeToLiveRequest;
import dev.golt.etcd.api.PutRequest;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeaseCommandTest {

    private static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\((\\d+)s\\)\n");

    private static EtcdCli e;

    @BeforeAll
    static void start() throws Exception {
        e = new EtcdCli();
    }

    @AfterAll
    static void stop() {
        e.close();
    }

    private static String grant(long ttl) {
        var r = e.golt("lease", "grant", Long.toString(ttl));
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = GRANTED.matcher(r.out());
        assertThat(m.matches()).as(r.out()).isTrue();
        return m.group(1);
    }

    private static long remainingTtl(String id) {
        return LeaseGrpc.newBlockingStub(e.etcd.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(Long.parseLong(id, 16)).build()).getTTL();
    }

    @Test
    void leaseGrantPrintsTheIdInHexAndTheTtlAsEtcdctlDoes() {
        var r = e.golt("lease", "grant", "60");
        assertThat(r.out()).matches(GRANTED.pattern());
        assertThat(r.out()).contains("TTL(60s)");
    }

    @Test
    void leaseKeepaliveOnceRenewsTheLeaseAndPrintsItsTtl() throws Exception {
        String id = grant(5);
        Thread.sleep(1500);
        var r = e.golt("lease", "keepalive", id, "--once");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("lease " + id + " keepalived with TTL(5)\n");
        assertThat(remainingTtl(id)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void leaseKeepaliveKeepsALeaseAlivePastItsTtlUntilInterrupted() throws Exception {
        String id = grant(2);
        var k = e.start("lease", "keepalive", id);
        Thread.sleep(4000);
        assertThat(remainingTtl(id)).isPositive();
        var r = k.interrupt();
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().count()).isGreaterThanOrEqualTo(3);
        assertThat(r.out().lines()).allMatch(l -> l.equals("lease " + id + " keepalived with TTL(2)"));
    }

    @Test
    void leaseKeepaliveOfARevokedLeaseSaysSoAtTheNextRenewalAndExitsOne() throws Exception {
        String id = grant(6); // a renewal every 2 s
        var k = e.start("lease", "keepalive", id);
        assertThat(eventually(5_000, () -> k.out().contains("keepalived"))).isTrue();
        assertThat(e.golt("lease", "revoke", id).code()).isZero();
        var r = k.await(10_000);
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(r.out()).endsWith("lease " + id + " expired or revoked.\n");
    }

    @Test
    void leaseRevokeDeletesTheKeysAttachedToIt() {
        String id = grant(60);
        e.etcd.kv().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("l1/k")).setValue(ByteString.copyFromUtf8("v"))
                .setLease(Long.parseLong(id, 16)).build());
        var r = e.golt("lease", "revoke", id);
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("lease " + id + " revoked\n");
        assertThat(e.etcd.get("l1/k")).isNull();
    }

    @Test
    void revokingALeaseThatDoesNotExistExitsOne() {
        var r = e.golt("lease", "revoke", "7ead");
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(r.err()).contains("requested lease not found");
    }

    @Test
    void aLeaseIdThatIsNotHexadecimalIsAUsageError() {
        assertThat(e.golt("lease", "revoke", "xyz").code()).isEqualTo(ExitCodes.USAGE);
    }
}
