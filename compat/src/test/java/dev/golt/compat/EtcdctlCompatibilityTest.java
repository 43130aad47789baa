// Black-box compatibility test: the real etcdctl 3.5 binary, run as a user would run it, against the
// etcd v3 gRPC endpoints of a 3-member cluster (Golt's by default, a real etcd 3.5's with
// -Dcompat.target=etcd). Each test checks what etcdctl prints (its JSON output where that says
// more) and its exit code; every test writes under its own key prefix.
package dev.golt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class EtcdctlCompatibilityTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EtcdEndpoints cluster;
    private static Etcdctl etcdctl;

    /** This test's key prefix, e.g. {@code getWithPrefix.../}. */
    private String ns;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = EtcdEndpoints.start("etcdctl");
        etcdctl = new Etcdctl(EtcdEndpoints.etcdctl(), cluster.endpointsFlag(), cluster.workDir().resolve("etcdctl"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            if (etcdctl != null) {
                etcdctl.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @BeforeEach
    void prefix(TestInfo info) {
        ns = info.getTestMethod().orElseThrow().getName() + "/";
    }

    // ---- put / get

    @Test
    void putPrintsOkAndGetReturnsTheValueWithItsRevisionsAndVersion() {
        String k = ns + "k";
        assertThat(etcdctl.run("put", k, "v1").assertOk().stdout()).isEqualTo("OK\n");
        long created = revisionOf(etcdctl.run("get", k, "-w", "json").assertOk().json().at("/kvs/0/mod_revision"));
        long put = etcdctl.run("put", k, "v2", "-w", "json").assertOk().json().at("/header/revision").asLong();
        assertThat(put).isGreaterThan(created);

        assertThat(etcdctl.run("get", k).assertOk().lines()).containsExactly(k, "v2");
        JsonNode got = etcdctl.run("get", k, "-w", "json").assertOk().json();
        assertThat(got.at("/count").asLong()).isEqualTo(1);
        assertThat(got.at("/header/revision").asLong()).isGreaterThanOrEqualTo(put);
        JsonNode kv = got.at("/kvs/0");
        assertThat(b64(kv.get("key"))).isEqualTo(k);
        assertThat(b64(kv.get("value"))).isEqualTo("v2");
        assertThat(kv.get("create_revision").asLong()).isEqualTo(created);
        assertThat(kv.get("mod_revision").asLong()).isEqualTo(put);
        assertThat(kv.get("version").asLong()).isEqualTo(2);
    }

    @Test
    void getOfAMissingKeyPrintsNothingAndSucceeds() {
        Etcdctl.Result r = etcdctl.run("get", ns + "absent").assertOk();
        assertThat(r.stdout()).isEmpty();
        assertThat(etcdctl.run("get", ns + "absent", "-w", "json").assertOk().json().has("kvs")).isFalse();
    }

    @Test
    void getWithPrefixReturnsOnlyTheKeysUnderItInKeyOrder() {
        put(ns + "b", "2");
        put(ns + "a", "1");
        put(ns + "c", "3");
        put(ns.substring(0, ns.length() - 1) + "-outside", "x");
        assertThat(etcdctl.run("get", "--prefix", ns).assertOk().lines())
                .containsExactly(ns + "a", "1", ns + "b", "2", ns + "c", "3");
    }

    @Test
    void getFromKeyReturnsThatKeyAndEveryKeyAfterIt() {
        put(ns + "a", "1");
        put(ns + "b", "2");
        put(ns + "c", "3");
        List<String> keys = keysOf(etcdctl.run("get", "--from-key", ns + "b", "-w", "json").assertOk().json());
        assertThat(keys).allSatisfy(key -> assertThat(key.compareTo(ns + "b")).isGreaterThanOrEqualTo(0));
        assertThat(keys).isSorted();
        assertThat(keys.stream().filter(key -> key.startsWith(ns))).containsExactly(ns + "b", ns + "c");
    }

    @Test
    void getOfARangeReturnsTheKeysFromTheStartUpToButNotIncludingTheEnd() {
        for (String s : List.of("a", "b", "c", "d")) {
            put(ns + s, s.toUpperCase());
        }
        assertThat(etcdctl.run("get", ns + "a", ns + "c").assertOk().lines())
                .containsExactly(ns + "a", "A", ns + "b", "B");
    }

    @Test
    void getWithLimitReturnsTheFirstKeysAndSaysThereAreMore() {
        for (String s : List.of("d", "c", "b", "a")) {
            put(ns + s, s);
        }
        JsonNode r = etcdctl.run("get", "--prefix", ns, "--limit", "2", "-w", "json").assertOk().json();
        assertThat(keysOf(r)).containsExactly(ns + "a", ns + "b");
        assertThat(r.path("more").asBoolean()).isTrue();
        assertThat(r.path("count").asLong()).isEqualTo(4);
        assertThat(etcdctl.run("get", "--prefix", ns, "--limit", "3", "--keys-only").assertOk().lines())
                .containsExactly(ns + "a", "", ns + "b", "", ns + "c", "");
    }

    @Test
    void getAtAnEarlierRevisionReturnsTheValueAsItWasThen() {
        String k = ns + "k";
        long first = putRevision(k, "v1");
        long second = putRevision(k, "v2");
        put(ns + "later", "x");
        assertThat(etcdctl.run("get", k, "--rev", Long.toString(first)).assertOk().lines()).containsExactly(k, "v1");
        assertThat(etcdctl.run("get", k, "--rev", Long.toString(second)).assertOk().lines()).containsExactly(k, "v2");
        assertThat(etcdctl.run("get", k).assertOk().lines()).containsExactly(k, "v2");
        assertThat(etcdctl.run("get", "--prefix", ns, "--rev", Long.toString(first)).assertOk().lines())
                .containsExactly(k, "v1");
    }

    @Test
    void getOfAFutureRevisionFailsWithEtcdsError() {
        long now = putRevision(ns + "k", "v");
        Etcdctl.Result r = etcdctl.run("get", ns + "k", "--rev", Long.toString(now + 1_000_000));
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stderr()).contains("etcdserver: mvcc: required revision is a future revision");
    }

    @Test
    void getKeysOnlyPrintsTheKeysWithoutTheirValues() {
        put(ns + "a", "1");
        put(ns + "b", "2");
        assertThat(etcdctl.run("get", "--prefix", ns, "--keys-only").assertOk().lines())
                .containsExactly(ns + "a", "", ns + "b", "");
        JsonNode r = etcdctl.run("get", "--prefix", ns, "--keys-only", "-w", "json").assertOk().json();
        assertThat(keysOf(r)).containsExactly(ns + "a", ns + "b");
        assertThat(r.get("kvs")).allSatisfy(kv -> assertThat(kv.has("value")).isFalse());
    }

    @Test
    void getCountOnlyPrintsHowManyKeysMatchAndNoKeys() {
        put(ns + "a", "1");
        put(ns + "b", "2");
        put(ns + "c", "3");
        Etcdctl.Result r = etcdctl.run("get", "--prefix", ns, "--count-only", "-w", "fields").assertOk();
        assertThat(r.lines()).contains("\"Count\" : 3", "\"More\" : false");
        assertThat(r.stdout()).doesNotContain("\"Key\"");
    }

    @Test
    void getPrintValueOnlyPrintsTheValueAlone() {
        put(ns + "k", "the value");
        assertThat(etcdctl.run("get", ns + "k", "--print-value-only").assertOk().stdout()).isEqualTo("the value\n");
    }

    // ---- del

    @Test
    void delWithPrefixDeletesEveryKeyUnderItAndPrintsHowMany() {
        put(ns + "a", "1");
        put(ns + "b", "2");
        put(ns + "c", "3");
        String outside = ns.substring(0, ns.length() - 1) + "-outside";
        put(outside, "x");
        assertThat(etcdctl.run("del", "--prefix", ns).assertOk().stdout()).isEqualTo("3\n");
        assertThat(etcdctl.run("get", "--prefix", ns).assertOk().stdout()).isEmpty();
        assertThat(etcdctl.run("get", outside).assertOk().lines()).containsExactly(outside, "x");
        assertThat(etcdctl.run("del", ns + "a").assertOk().stdout()).isEqualTo("0\n");
    }

    @Test
    void delWithPrevKvPrintsTheCountThenTheDeletedKeysAndValues() {
        put(ns + "a", "1");
        put(ns + "b", "2");
        put(ns + "c", "3");
        assertThat(etcdctl.run("del", ns + "a", "--prev-kv").assertOk().lines()).containsExactly("1", ns + "a", "1");
        JsonNode r = etcdctl.run("del", "--prefix", ns, "--prev-kv", "-w", "json").assertOk().json();
        assertThat(r.path("deleted").asLong()).isEqualTo(2);
        List<String> prev = new ArrayList<>();
        r.path("prev_kvs").forEach(kv -> prev.add(b64(kv.get("key")) + "=" + b64(kv.get("value"))));
        assertThat(prev).containsExactly(ns + "b=2", ns + "c=3");
    }

    // ---- txn

    @Test
    void txnRunsTheSuccessOpsWhenEveryCompareHolds() {
        String k = ns + "k";
        long rev = putRevision(k, "v1");
        String txn = """
                val("%1$s") = "v1"
                ver("%1$s") = "1"
                create("%1$s") = "%2$d"
                mod("%1$s") = "%2$d"
                mod("%1$s") > "0"
                create("%3$s") = "0"

                put %1$s v2
                get %1$s

                put %4$s yes

                """.formatted(k, rev, ns + "absent", ns + "failure-ran");
        Etcdctl.Result r = etcdctl.runWithInput(txn, "txn").assertOk();
        assertThat(r.lines()).containsExactly("SUCCESS", "", "OK", "", k, "v2");
        assertThat(etcdctl.run("get", ns + "failure-ran").assertOk().stdout()).isEmpty();

        JsonNode json = etcdctl.runWithInput("ver(\"%s\") = \"2\"\n\nget %s\n\n\n".formatted(k, k), "txn", "-w", "json")
                .assertOk().json();
        assertThat(json.path("succeeded").asBoolean()).isTrue();
        assertThat(b64(json.at("/responses/0/Response/response_range/kvs/0/value"))).isEqualTo("v2");
    }

    @Test
    void txnRunsTheFailureOpsWhenAnyCompareFails() {
        String k = ns + "k";
        long rev = putRevision(k, "v1");
        List<String> failing = List.of(
                "val(\"%s\") = \"other\"".formatted(k),
                "ver(\"%s\") = \"2\"".formatted(k),
                "create(\"%s\") = \"0\"".formatted(k),
                "mod(\"%s\") > \"%d\"".formatted(k, rev),
                "mod(\"%s\") < \"%d\"".formatted(k, rev),
                "val(\"%s\") = \"\"".formatted(ns + "absent"));
        for (String compare : failing) {
            String txn = "ver(\"%1$s\") = \"1\"\n%2$s\n\nput %1$s changed\n\nput %3$s yes\nget %1$s\n\n"
                    .formatted(k, compare, ns + "failure-ran");
            Etcdctl.Result r = etcdctl.runWithInput(txn, "txn").assertOk();
            assertThat(r.lines()).as(compare).containsExactly("FAILURE", "", "OK", "", k, "v1");
        }
        assertThat(etcdctl.run("get", k, "--print-value-only").assertOk().stdout()).isEqualTo("v1\n");
        JsonNode json = etcdctl.runWithInput("val(\"%s\") = \"other\"\n\n\nget %s\n\n".formatted(k, k), "txn", "-w", "json")
                .assertOk().json();
        assertThat(json.path("succeeded").asBoolean()).isFalse();
        assertThat(b64(json.at("/responses/0/Response/response_range/kvs/0/value"))).isEqualTo("v1");
    }

    // ---- watch

    @Test
    void watchWithRevReplaysPastEventsInOrder() throws Exception {
        long from = putRevision(ns + "k1", "a");
        put(ns + "k1", "b");
        put(ns.substring(0, ns.length() - 1) + "-outside", "x");
        put(ns + "k2", "c");
        assertThat(etcdctl.run("del", ns + "k1").assertOk().stdout()).isEqualTo("1\n");

        Etcdctl.Background watch = etcdctl.start("watch", "--prefix", ns, "--rev", Long.toString(from));
        String out = watch.awaitStdout(s -> s.contains("DELETE\n" + ns + "k1\n"), WAIT);
        watch.stop();
        assertThat(List.of(out.split("\n", -1))).containsExactly(
                "PUT", ns + "k1", "a",
                "PUT", ns + "k1", "b",
                "PUT", ns + "k2", "c",
                "DELETE", ns + "k1", "", "");
    }

    @Test
    void watchWithPrefixPrintsLiveEventsWithTheirPreviousValues() throws Exception {
        Etcdctl.Background watch = etcdctl.start("watch", "--prefix", ns, "--prev-kv", "-w", "json");
        // etcdctl prints nothing when the watch is set up: write a marker until it shows up.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!watch.stdout().contains("\"Events\"") && System.nanoTime() < deadline) {
            put(ns + "ready", "?");
            Thread.sleep(200);
        }
        String k = ns + "k";
        long r1 = putRevision(k, "a");
        long r2 = putRevision(k, "b");
        long r3 = etcdctl.run("del", k, "-w", "json").assertOk().json().at("/header/revision").asLong();
        put(ns.substring(0, ns.length() - 1) + "-outside", "x");
        put(ns + "done", "!");
        String done = Base64.getEncoder().encodeToString((ns + "done").getBytes(StandardCharsets.UTF_8));
        String out = watch.awaitStdout(s -> s.contains(done), WAIT);
        watch.stop();

        List<JsonNode> events = new ArrayList<>();
        for (String line : out.split("\n")) {
            JsonNode response = json(line);
            assertThat(response.at("/Canceled").asBoolean()).isFalse();
            response.path("Events").forEach(e -> {
                if (b64(e.at("/kv/key")).equals(k)) {
                    events.add(e);
                }
            });
            for (JsonNode e : response.path("Events")) {
                assertThat(b64(e.at("/kv/key"))).startsWith(ns);
            }
        }
        assertThat(events).hasSize(3);
        JsonNode put1 = events.get(0);
        JsonNode put2 = events.get(1);
        JsonNode del = events.get(2);
        assertThat(put1.path("type").asInt()).isZero(); // PUT is 0, omitted from JSON
        assertThat(b64(put1.at("/kv/value"))).isEqualTo("a");
        assertThat(put1.at("/kv/mod_revision").asLong()).isEqualTo(r1);
        assertThat(put1.at("/kv/version").asLong()).isEqualTo(1);
        assertThat(put1.has("prev_kv")).isFalse();
        assertThat(b64(put2.at("/kv/value"))).isEqualTo("b");
        assertThat(put2.at("/kv/mod_revision").asLong()).isEqualTo(r2);
        assertThat(put2.at("/kv/create_revision").asLong()).isEqualTo(r1);
        assertThat(b64(put2.at("/prev_kv/value"))).isEqualTo("a");
        assertThat(del.path("type").asInt()).isEqualTo(1); // DELETE
        assertThat(del.at("/kv/mod_revision").asLong()).isEqualTo(r3);
        assertThat(del.at("/kv").has("value")).isFalse();
        assertThat(b64(del.at("/prev_kv/value"))).isEqualTo("b");
    }

    @Test
    void watchFromACompactedRevisionIsCanceledWithEtcdsError() throws Exception {
        long old = putRevision(ns + "k", "1");
        long newer = putRevision(ns + "k", "2");
        etcdctl.run("compaction", Long.toString(newer)).assertOk();
        Etcdctl.Background watch = etcdctl.start("watch", ns + "k", "--rev", Long.toString(old));
        int exit = watch.awaitExit(WAIT);
        assertThat(exit).as(watch.toString()).isNotZero();
        assertThat(watch.stdout() + watch.stderr())
                .contains("watch was canceled (etcdserver: mvcc: required revision has been compacted)");
    }

    // ---- lease

    @Test
    void leaseGrantKeepAliveTimeToLiveListAndRevokeManageALeaseAndItsKeys() {
        Matcher granted = match("lease ([0-9a-f]{16}) granted with TTL\\(60s\\)\n",
                etcdctl.run("lease", "grant", "60").assertOk().stdout());
        String id = granted.group(1);
        String a = ns + "a";
        String b = ns + "b";
        assertThat(etcdctl.run("put", a, "1", "--lease=" + id).assertOk().stdout()).isEqualTo("OK\n");
        assertThat(etcdctl.run("put", b, "2", "--lease=" + id).assertOk().stdout()).isEqualTo("OK\n");
        assertThat(etcdctl.run("get", a, "-w", "json").assertOk().json().at("/kvs/0/lease").asLong())
                .isEqualTo(Long.parseUnsignedLong(id, 16));

        assertThat(etcdctl.run("lease", "keep-alive", "--once", id).assertOk().stdout())
                .isEqualTo("lease " + id + " keepalived with TTL(60)\n");

        Matcher ttl = match("lease " + id + " granted with TTL\\(60s\\), remaining\\((\\d+)s\\), attached keys\\(\\[(.*)\\]\\)\n",
                etcdctl.run("lease", "timetolive", "--keys", id).assertOk().stdout());
        assertThat(Long.parseLong(ttl.group(1))).isBetween(1L, 60L);
        assertThat(ttl.group(2).split(" ")).containsExactlyInAnyOrder(a, b);
        JsonNode ttlJson = etcdctl.run("lease", "timetolive", "--keys", id, "-w", "json").assertOk().json();
        assertThat(ttlJson.path("granted-ttl").asLong()).isEqualTo(60);
        List<String> attached = new ArrayList<>();
        ttlJson.path("keys").forEach(key -> attached.add(b64(key)));
        assertThat(attached).containsExactlyInAnyOrder(a, b);

        Etcdctl.Result list = etcdctl.run("lease", "list").assertOk();
        assertThat(list.lines().getFirst()).matches("found \\d+ leases");
        assertThat(list.lines()).contains(id);

        assertThat(etcdctl.run("lease", "revoke", id).assertOk().stdout()).isEqualTo("lease " + id + " revoked\n");
        assertThat(etcdctl.run("get", "--prefix", ns).assertOk().stdout()).isEmpty();
        assertThat(etcdctl.run("lease", "timetolive", id).assertOk().stdout()).isEqualTo("lease " + id + " already expired\n");
        assertThat(etcdctl.run("lease", "list").assertOk().lines()).doesNotContain(id);

        Etcdctl.Result again = etcdctl.run("lease", "revoke", id);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("etcdserver: requested lease not found");
        Etcdctl.Result keepAlive = etcdctl.run("lease", "keep-alive", "--once", id);
        assertThat(keepAlive.exitCode()).isNotZero();
        assertThat(keepAlive.stderr()).contains("etcdserver: requested lease not found");
        Etcdctl.Result putOnRevoked = etcdctl.run("put", a, "1", "--lease=" + id);
        assertThat(putOnRevoked.exitCode()).isNotZero();
        assertThat(putOnRevoked.stderr()).contains("etcdserver: requested lease not found");
    }

    // ---- lock

    @Test
    void lockRunsTheCommandsOfTwoContendersOneAfterTheOther() throws Exception {
        Path log = cluster.workDir().resolve(ns.replace('/', '-') + "lock.log");
        String script = "echo \"$0 start $ETCD_LOCK_KEY $ETCD_LOCK_REV\" >> '" + log + "'; sleep 1; "
                + "echo \"$0 end\" >> '" + log + "'; echo \"$0 done\"";
        String name = ns + "lock";
        Etcdctl.Background first = etcdctl.start("lock", name, "--", "sh", "-c", script, "A");
        Etcdctl.Background second = etcdctl.start("lock", name, "--", "sh", "-c", script, "B");
        assertThat(first.awaitExit(WAIT)).as(first.toString()).isZero();
        assertThat(second.awaitExit(WAIT)).as(second.toString()).isZero();
        // etcdctl passes the command's output through as its own.
        assertThat(first.stdout()).isEqualTo("A done\n");
        assertThat(second.stdout()).isEqualTo("B done\n");

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(4);
        String[] start1 = lines.get(0).split(" ");
        String[] start2 = lines.get(2).split(" ");
        assertThat(lines.get(1)).isEqualTo(start1[0] + " end");
        assertThat(lines.get(3)).isEqualTo(start2[0] + " end");
        assertThat(Set.of(start1[0], start2[0])).containsExactlyInAnyOrder("A", "B");
        // ETCD_LOCK_KEY is the holder's key under the lock name, ETCD_LOCK_REV its create revision.
        assertThat(start1[2]).startsWith(name + "/").isNotEqualTo(start2[2]);
        assertThat(Long.parseLong(start2[3])).isGreaterThan(Long.parseLong(start1[3]));
        assertThat(etcdctl.run("get", "--prefix", name + "/").assertOk().stdout()).isEmpty();
    }

    @Test
    void lockHeldByOneEtcdctlPassesToTheNextOnlyWhenTheFirstIsInterrupted() throws Exception {
        String name = ns + "lock";
        Etcdctl.Background holder = etcdctl.start("lock", name);
        String key = holder.awaitStdout(s -> s.endsWith("\n"), WAIT).trim();
        assertThat(key).startsWith(name + "/");
        Etcdctl.Background waiter = etcdctl.start("lock", name, "--", "echo", "got it");
        Thread.sleep(1500);
        assertThat(waiter.alive()).as(waiter.toString()).isTrue();
        assertThat(waiter.stdout()).isEmpty();
        holder.interrupt();
        assertThat(waiter.awaitExit(WAIT)).as(waiter.toString()).isZero();
        assertThat(waiter.stdout()).isEqualTo("got it\n");
        holder.awaitExit(WAIT);
    }

    // ---- elect

    @Test
    void electCampaignsWaitForTheLeaderToResignAndListenFollowsEachLeader() throws Exception {
        String election = ns + "election";
        Etcdctl.Background listen = etcdctl.start("elect", "-l", election);
        Etcdctl.Background alice = etcdctl.start("elect", election, "alice");
        String aliceOut = alice.awaitStdout(s -> s.endsWith("alice\n"), WAIT);
        assertThat(aliceOut).matches(Pattern.quote(election + "/") + "[0-9a-f]+\nalice\n");

        Etcdctl.Background bob = etcdctl.start("elect", election, "bob");
        listen.awaitStdout(s -> s.contains("\nalice\n"), WAIT);
        Thread.sleep(1500);
        assertThat(bob.stdout()).as("bob must wait while alice leads").isEmpty();
        assertThat(bob.alive()).isTrue();

        alice.interrupt(); // Ctrl-C: etcdctl resigns
        String bobOut = bob.awaitStdout(s -> s.endsWith("bob\n"), WAIT);
        assertThat(bobOut).matches(Pattern.quote(election + "/") + "[0-9a-f]+\nbob\n");
        assertThat(bobOut.split("\n")[0]).isNotEqualTo(aliceOut.split("\n")[0]);
        String heard = listen.awaitStdout(s -> s.contains("\nbob\n"), WAIT);
        assertThat(heard).isEqualTo(aliceOut + bobOut);
        assertThat(alice.awaitExit(WAIT)).isZero();
        bob.interrupt();
        bob.awaitExit(WAIT);
        listen.stop();
    }

    // ---- compaction

    @Test
    void compactionMakesEarlierRevisionsUnreadableButKeepsTheOneCompactedTo() {
        String k = ns + "k";
        long first = putRevision(k, "v1");
        long second = putRevision(k, "v2");
        put(k, "v3");
        assertThat(etcdctl.run("compaction", Long.toString(second)).assertOk().stdout())
                .isEqualTo("compacted revision " + second + "\n");

        Etcdctl.Result compacted = etcdctl.run("get", k, "--rev", Long.toString(first));
        assertThat(compacted.exitCode()).as(compacted.toString()).isNotZero();
        assertThat(compacted.stderr()).contains("Error: etcdserver: mvcc: required revision has been compacted");
        assertThat(etcdctl.run("get", k, "--rev", Long.toString(second)).assertOk().lines()).containsExactly(k, "v2");
        assertThat(etcdctl.run("get", k).assertOk().lines()).containsExactly(k, "v3");

        Etcdctl.Result again = etcdctl.run("compaction", Long.toString(first));
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("etcdserver: mvcc: required revision has been compacted");
    }

    // ---- maintenance

    @Test
    void snapshotSaveFromOneEndpointWritesAFileWithEtcdsTrailingChecksum() throws IOException {
        put(ns + "k", "v");
        Path file = cluster.workDir().resolve("etcdctl").resolve("snapshot-" + System.nanoTime() + ".db");
        Etcdctl.Result r = etcdctl.runAt(cluster.members().get(1).hostPort(), "snapshot", "save", file.toString());
        r.assertOk();
        assertThat(r.stdout()).contains("Snapshot saved at " + file);
        // etcdctl itself refuses a stream without the 32-byte SHA-256 after whole 512-byte blocks
        assertThat(Files.size(file) % 512).isEqualTo(32);
        assertThat(Files.size(file)).isGreaterThan(512);

        Etcdctl.Result all = etcdctl.run("snapshot", "save", file + ".all");
        assertThat(all.exitCode()).isNotZero();
        assertThat(all.stderr()).contains("snapshot must be requested to one selected node");
    }

    // ---- cluster

    @Test
    void memberListNamesThreeStartedMembersWithTheClientUrlsOfTheEndpoints() {
        JsonNode r = etcdctl.run("member", "list", "-w", "json").assertOk().json();
        JsonNode members = r.path("members");
        assertThat(members).hasSize(3);
        Set<BigInteger> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        List<String> clientUrls = new ArrayList<>();
        for (JsonNode m : members) {
            ids.add(m.path("ID").bigIntegerValue());
            names.add(m.path("name").asText());
            m.path("clientURLs").forEach(u -> clientUrls.add(u.asText()));
            assertThat(m.path("isLearner").asBoolean()).isFalse();
        }
        assertThat(ids).hasSize(3).doesNotContain(BigInteger.ZERO);
        assertThat(names).hasSize(3).doesNotContain("");
        assertThat(clientUrls).containsExactlyInAnyOrderElementsOf(cluster.urls());
        assertThat(ids).contains(r.at("/header/member_id").bigIntegerValue());

        List<String> table = etcdctl.run("member", "list").assertOk().lines();
        assertThat(table).hasSize(3).allSatisfy(line -> assertThat(line).matches("[0-9a-f]+, started, [^,]+, .*, false"));
    }

    @Test
    void endpointStatusReportsOneLeaderAndEachMembersIdVersionAndRaftIndex() {
        Set<BigInteger> memberIds = new HashSet<>();
        etcdctl.run("member", "list", "-w", "json").assertOk().json().path("members")
                .forEach(m -> memberIds.add(m.path("ID").bigIntegerValue()));

        JsonNode statuses = etcdctl.run("endpoint", "status", "-w", "json").assertOk().json();
        assertThat(statuses).hasSize(3);
        Set<String> endpoints = new HashSet<>();
        Set<BigInteger> self = new HashSet<>();
        Set<BigInteger> leaders = new HashSet<>();
        for (JsonNode s : statuses) {
            endpoints.add(s.path("Endpoint").asText());
            JsonNode st = s.path("Status");
            self.add(st.at("/header/member_id").bigIntegerValue());
            leaders.add(st.path("leader").bigIntegerValue());
            assertThat(st.path("version").asText()).matches("3\\.\\d+\\.\\d+.*");
            assertThat(st.path("raftIndex").asLong()).isPositive();
            assertThat(st.path("raftTerm").asLong()).isPositive();
            assertThat(st.path("dbSize").asLong()).isPositive();
        }
        assertThat(endpoints).containsExactlyInAnyOrderElementsOf(
                cluster.members().stream().map(EtcdEndpoints.Member::hostPort).toList());
        assertThat(self).isEqualTo(memberIds);
        assertThat(leaders).hasSize(1);
        assertThat(memberIds).containsAll(leaders);

        // Table columns: endpoint, ID, version, DB size, is leader, is learner, raft term, raft index, applied index, errors.
        List<String> table = etcdctl.run("endpoint", "status").assertOk().lines();
        assertThat(table).hasSize(3);
        assertThat(table.stream().filter(line -> line.split(", ")[4].equals("true"))).hasSize(1);
    }

    @Test
    void endpointHealthReportsEveryEndpointHealthy() {
        Etcdctl.Result r = etcdctl.run("endpoint", "health").assertOk();
        assertThat(r.lines()).hasSize(3).allSatisfy(line -> assertThat(line)
                .matches("127\\.0\\.0\\.1:\\d+ is healthy: successfully committed proposal: took = .*"));
        JsonNode json = etcdctl.run("endpoint", "health", "-w", "json").assertOk().json();
        assertThat(json).hasSize(3).allSatisfy(h -> assertThat(h.path("health").asBoolean()).isTrue());
    }

    // ---- helpers

    private static void put(String key, String value) {
        assertThat(etcdctl.run("put", key, value).assertOk().stdout()).isEqualTo("OK\n");
    }

    /** Puts and returns the revision of the put. */
    private static long putRevision(String key, String value) {
        return etcdctl.run("put", key, value, "-w", "json").assertOk().json().at("/header/revision").asLong();
    }

    private static long revisionOf(JsonNode n) {
        assertThat(n.isMissingNode()).isFalse();
        return n.asLong();
    }

    private static String b64(JsonNode n) {
        assertThat(n == null || n.isMissingNode()).as("field present").isFalse();
        return new String(Base64.getDecoder().decode(n.asText()), StandardCharsets.UTF_8);
    }

    private static List<String> keysOf(JsonNode range) {
        List<String> keys = new ArrayList<>();
        range.path("kvs").forEach(kv -> keys.add(b64(kv.get("key"))));
        return keys;
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static Matcher match(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.matches()).as("'%s' matches %s", text, regex).isTrue();
        return m;
    }
}
