// WatchCommandTest: `golt watch` prints each event as etcdctl watch does until interrupted, against a real etcd.
package dev.golt.cli;

import static dev.golt.cli.EtcdCli.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.CompactionRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WatchCommandTest {

    private static EtcdCli e;

    @BeforeAll
    static void start() throws Exception {
        e = new EtcdCli();
    }

    @AfterAll
    static void stop() {
        e.close();
    }

    /** Watches start from the next revision, so no event is missed while golt starts up. */
    private static String next() {
        return Long.toString(e.etcd.kv().range(dev.golt.etcd.api.RangeRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("any")).build()).getHeader().getRevision() + 1);
    }

    @Test
    void watchPrintsEachPutAndDeleteOfTheKeyUntilInterrupted() throws Exception {
        var w = e.start("watch", "w1/key", "--rev", next());
        e.etcd.put("w1/key", "one");
        e.etcd.put("w1/other", "ignored");
        e.etcd.kv().deleteRange(dev.golt.etcd.api.DeleteRangeRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("w1/key")).build());
        eventually(5_000, () -> w.out().equals("PUT\nw1/key\none\nDELETE\nw1/key\n\n"));
        assertThat(w.out()).isEqualTo("PUT\nw1/key\none\nDELETE\nw1/key\n\n");
        var r = w.interrupt();
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void watchWithPrefixAndPrevKvPrintsEveryKeyUnderThePrefixAndItsPreviousValue() throws Exception {
        e.etcd.put("w2/a", "old");
        var w = e.start("watch", "w2/", "--prefix", "--prev-kv", "--rev", next());
        e.etcd.put("w2/a", "new");
        e.etcd.put("w2/b", "first");
        e.etcd.put("w3/outside", "x");
        eventually(5_000, () -> w.out().equals("PUT\nw2/a\nold\nw2/a\nnew\nPUT\nw2/b\nfirst\n"));
        assertThat(w.out()).isEqualTo("PUT\nw2/a\nold\nw2/a\nnew\nPUT\nw2/b\nfirst\n");
        w.interrupt();
    }

    @Test
    void watchFromARevisionReplaysTheHistoryFirst() throws Exception {
        e.etcd.put("w4/k", "v1");
        long rev = e.etcd.kv().range(dev.golt.etcd.api.RangeRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("w4/k")).build()).getKvs(0).getModRevision();
        e.etcd.put("w4/k", "v2");
        var w = e.start("watch", "w4/k", "--rev", Long.toString(rev));
        eventually(5_000, () -> w.out().equals("PUT\nw4/k\nv1\nPUT\nw4/k\nv2\n"));
        assertThat(w.out()).isEqualTo("PUT\nw4/k\nv1\nPUT\nw4/k\nv2\n");
        w.interrupt();
    }

    @Test
    void watchFromACompactedRevisionFailsWithExitTwo() throws Exception {
        e.etcd.put("w5/k", "v1");
        e.etcd.put("w5/k", "v2");
        long now = e.etcd.kv().range(dev.golt.etcd.api.RangeRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("w5/k")).build()).getHeader().getRevision();
        e.etcd.kv().compact(CompactionRequest.newBuilder().setRevision(now).setPhysical(true).build());
        var w = e.start("watch", "w5/k", "--rev", "1");
        var r = w.await(10_000);
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("compacted");
    }
}
