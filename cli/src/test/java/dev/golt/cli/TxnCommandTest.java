// TxnCommandTest: `golt txn` reads etcdctl's txn format and prints etcdctl's answer, against a real etcd.
package dev.golt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TxnCommandTest {

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
    void aTxnWhoseComparesHoldRunsTheSuccessRequestsAndPrintsEachAnswerAsEtcdctlDoes() {
        e.etcd.put("t1/key1", "v1");
        var r = e.goltWithInput("""
                value("t1/key1") = "v1"
                mod("t1/key1") > "0"

                put t1/key1 "overwrote key1"
                get t1/key1
                del t1/other

                put t1/key1 "created key1"

                """, "txn");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("SUCCESS\n\nOK\n\nt1/key1\noverwrote key1\n\n0\n");
        assertThat(e.etcd.get("t1/key1")).isEqualTo("overwrote key1");
    }

    @Test
    void aTxnWhoseComparesFailRunsTheFailureRequestsAndExitsOneLikeALostCas() {
        var r = e.goltWithInput("""
                version("t2/missing") > "0"

                put t2/missing "never"

                put t2/created "made"
                put t2/extra 'single quoted'
                """, "txn");
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(r.out()).isEqualTo("FAILURE\n\nOK\n\nOK\n");
        assertThat(e.etcd.get("t2/missing")).isNull();
        assertThat(e.etcd.get("t2/created")).isEqualTo("made");
        assertThat(e.etcd.get("t2/extra")).isEqualTo("single quoted");
    }

    @Test
    void requestsTakeEtcdctlsFlagsAndQuotedStringsTakeGoEscapes() {
        e.etcd.put("t3/a", "1");
        e.etcd.put("t3/b", "2");
        var r = e.goltWithInput("""
                create("t3/a") != "0"

                get t3/ --prefix --keys-only
                put t3/a "tab\\there" --prev-kv
                del t3/b --prev-kv

                """, "txn");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("SUCCESS\n\nt3/a\n\nt3/b\n\n\nOK\nt3/a\n1\n\n1\nt3/b\n2\n");
        assertThat(e.etcd.get("t3/a")).isEqualTo("tab\there");
    }

    @Test
    void aTxnWithNoComparesRunsTheSuccessRequests() {
        var r = e.goltWithInput("\nput t4/k v\n\n\n", "txn");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("SUCCESS\n\nOK\n");
    }

    @Test
    void interactiveModePromptsForEachPartAsEtcdctlTxnDashIDoes() {
        var r = e.goltWithInput("\nget t5/none\n\n\n", "txn", "-i");
        assertThat(r.out()).startsWith("compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n");
    }

    @Test
    void aMalformedCompareIsAUsageErrorAndNothingIsSent() {
        var r = e.goltWithInput("mod(t6/k) > 0\n\nput t6/k v\n\n", "txn");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("golt: ");
        assertThat(e.etcd.get("t6/k")).isNull();
    }

    @Test
    void anUnknownRequestIsAUsageError() {
        var r = e.goltWithInput("\nfrobnicate t7/k\n\n", "txn");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("invalid txn request");
    }

    @Test
    void noReachableEndpointExitsThreeAndTheNextEndpointIsTried() throws Exception {
        String dead = "127.0.0.1:" + RealEtcd.freePort();
        var down = e.cli.runWithInput("\nput t8/k v\n\n", "--grpc-endpoints", dead, "txn");
        assertThat(down.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        var failover = e.cli.runWithInput("\nput t8/k v\n\n", "--grpc-endpoints", dead + "," + e.etcd.endpoint(), "txn");
        assertThat(failover.code()).isZero();
        assertThat(e.etcd.get("t8/k")).isEqualTo("v");
    }
}
