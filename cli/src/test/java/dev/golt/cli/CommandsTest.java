package dev.golt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommandsTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final CliRunner cli = new CliRunner();
    private StubNode node;

    @BeforeEach
    void start() throws Exception {
        node = new StubNode();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private CliRunner.Result golt(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--endpoints";
        all[1] = node.endpoint();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    private StubNode.Request last() {
        var reqs = node.requests();
        return reqs.get(reqs.size() - 1);
    }

    @Test
    void putStoresTheValueAndPrintsTheIndex() throws Exception {
        var r = golt("put", "greeting", "hello world");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("OK (index 1)\n");
        assertThat(last().method()).isEqualTo("POST");
        assertThat(last().pathAndQuery()).isEqualTo("/set");
        assertThat(mapper.readTree(last().body())).isEqualTo(mapper.readTree("{\"key\":\"greeting\",\"value\":\"hello world\"}"));
        assertThat(node.value("greeting")).isEqualTo("hello world");
    }

    @Test
    void putWithDashReadsTheValueFromStdin() {
        var saved = System.in;
        System.setIn(new java.io.ByteArrayInputStream("line 1\nline 2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            assertThat(golt("put", "multi", "-").code()).isZero();
        } finally {
            System.setIn(saved);
        }
        assertThat(node.value("multi")).isEqualTo("line 1\nline 2\n");
    }

    @Test
    void getPrintsTheValueOnStdout() {
        node.put("a b/ü", "v=1&x");
        var r = golt("get", "a b/ü");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("v=1&x\n");
        assertThat(r.err()).isEmpty();
        assertThat(last().pathAndQuery()).contains("consistency=linearizable");
    }

    @Test
    void getOfAMissingKeyExitsOne() {
        var r = golt("get", "nope");
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("key not found: nope");
    }

    @Test
    void getJsonPrintsTheRawAnswerAndStaleIsPassedOn() throws Exception {
        node.put("k", "v");
        var r = golt("get", "k", "--json", "--consistency", "stale");
        assertThat(r.code()).isZero();
        assertThat(mapper.readTree(r.out())).isEqualTo(mapper.readTree("{\"key\":\"k\",\"value\":\"v\",\"found\":true}"));
        assertThat(last().pathAndQuery()).isEqualTo("/get?key=k&consistency=stale");
    }

    @Test
    void deleteReportsWhetherTheKeyExisted() {
        node.put("k", "v");
        var first = golt("delete", "k");
        assertThat(first.code()).isZero();
        assertThat(first.out()).isEqualTo("deleted (index 1)\n");
        assertThat(node.value("k")).isNull();
        var second = golt("delete", "k");
        assertThat(second.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(second.err()).contains("key not found: k");
    }

    @Test
    void casSucceedsOnlyWhenTheValueIsAsExpected() {
        node.put("k", "old");
        var won = golt("cas", "k", "--expect", "old", "--value", "new");
        assertThat(won.code()).isZero();
        assertThat(won.out()).isEqualTo("OK (index 1)\n");
        assertThat(node.value("k")).isEqualTo("new");

        var lost = golt("cas", "k", "--expect", "old", "--value", "newer");
        assertThat(lost.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(lost.out()).isEmpty();
        assertThat(lost.err()).contains("cas lost: current value is 'new'");
        assertThat(node.value("k")).isEqualTo("new");
    }

    @Test
    void casAbsentAndDeleteSendNulls() throws Exception {
        var create = golt("cas", "k", "--expect-absent", "--value", "v");
        assertThat(create.code()).isZero();
        assertThat(mapper.readTree(last().body()))
                .isEqualTo(mapper.readTree("{\"key\":\"k\",\"expected\":null,\"value\":\"v\"}"));
        var lost = golt("cas", "k", "--expect-absent", "--delete");
        assertThat(lost.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(lost.err()).contains("current value is 'v'");
        var delete = golt("cas", "k", "--expect", "v", "--delete");
        assertThat(delete.code()).isZero();
        assertThat(mapper.readTree(last().body()))
                .isEqualTo(mapper.readTree("{\"key\":\"k\",\"expected\":\"v\",\"value\":null}"));
        assertThat(node.value("k")).isNull();
        var lostOnAbsent = golt("cas", "k", "--expect", "v", "--value", "w");
        assertThat(lostOnAbsent.err()).contains("current value is absent");
    }

    @Test
    void casNeedsAnExpectationAndAnUpdate() {
        assertThat(golt("cas", "k", "--value", "v").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(golt("cas", "k", "--expect", "a", "--expect-absent", "--value", "v").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(node.requests()).isEmpty();
    }

    @Test
    void scanPrintsKeyValueLinesAndHintsAtTheNextPage() {
        node.put("a/1", "one");
        node.put("a/2", "two");
        node.put("a/3", "three");
        node.put("b/1", "other");
        var page = golt("scan", "a/", "--limit", "2");
        assertThat(page.code()).isZero();
        assertThat(page.out()).isEqualTo("a/1\tone\na/2\ttwo\n");
        assertThat(page.err()).contains("--after 'a/2'");
        var rest = golt("scan", "a/", "--after", "a/2", "--keys-only");
        assertThat(rest.out()).isEqualTo("a/3\n");
        assertThat(rest.err()).isEmpty();
    }

    @Test
    void scanAllFollowsEveryPage() throws Exception {
        for (int i = 0; i < 5; i++) {
            node.put("k" + i, "v" + i);
        }
        var r = golt("scan", "--all", "--limit", "2");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("k0\tv0\nk1\tv1\nk2\tv2\nk3\tv3\nk4\tv4\n");
        assertThat(node.requests()).hasSize(3);
        var json = golt("scan", "k", "--all", "--limit", "2", "--json");
        var tree = mapper.readTree(json.out());
        assertThat(tree.path("items")).hasSize(5);
        assertThat(tree.path("next").isNull()).isTrue();
    }

    @Test
    void statusShowsRoleLeaderIndexesAndMembers() throws Exception {
        golt("put", "k", "v");
        var r = golt("status");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("node      n1 (leader, term 7)")
                .contains("leader    n1")
                .contains("commit 1  applied 1  snapshot 0  log length 1")
                .containsPattern("n2\\s+127\\.0\\.0\\.1:7002\\s+voter\\s+1");
        var json = golt("status", "--json");
        assertThat(mapper.readTree(json.out()).path("isLeader").asBoolean()).isTrue();
    }

    @Test
    void membersListAddAndRemove() {
        var list = golt("members", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out().lines()).hasSize(4).first().asString().startsWith("ID");
        assertThat(golt("members").out()).isEqualTo(list.out());

        var add = golt("members", "add", "n4", "127.0.0.1:7004");
        assertThat(add.code()).isZero();
        assertThat(add.out()).isEqualTo("added n4 as learner (index 1)\n");
        assertThat(golt("members", "list").out()).contains("127.0.0.1:7004");

        var remove = golt("members", "remove", "n4");
        assertThat(remove.code()).isZero();
        assertThat(remove.out()).isEqualTo("removed n4 (index 2)\n");
        assertThat(last().method()).isEqualTo("DELETE");
        assertThat(last().pathAndQuery()).isEqualTo("/admin/members/n4");
    }

    @Test
    void removingAnUnknownMemberExitsOne() {
        var r = golt("members", "remove", "n9");
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(r.err()).contains("404 unknown_member: unknown member n9");
    }

    @Test
    void snapshotPrintsItsIndex() {
        golt("put", "k", "v");
        golt("put", "k", "w");
        var r = golt("snapshot");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("snapshot at index 2\n");
        assertThat(last().pathAndQuery()).isEqualTo("/admin/snapshot");
    }

    @Test
    void transferLeadershipNamesTheNewLeader() throws Exception {
        var r = golt("transfer-leadership", "--to", "n3");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("leader is now n3\n");
        assertThat(mapper.readTree(last().body())).isEqualTo(mapper.readTree("{\"to\":\"n3\"}"));
        var any = golt("transfer-leadership");
        assertThat(any.code()).isZero();
        assertThat(last().body()).isEqualTo("{}");
    }

    @Test
    void globalOptionsWorkAfterTheSubcommandAndFromTheEnvironment() {
        node.put("k", "v");
        var after = cli.run("get", "k", "--endpoints", node.endpoint(), "--timeout", "2s");
        assertThat(after.code()).isZero();
        assertThat(after.out()).isEqualTo("v\n");
        var fromEnv = new CliRunner().env(Map.of("GOLT_ENDPOINTS", node.endpoint())).run("get", "k");
        assertThat(fromEnv.code()).isZero();
        assertThat(fromEnv.out()).isEqualTo("v\n");
    }

    @Test
    void usageErrorsExitTwoWithoutContactingANode() {
        assertThat(golt("frobnicate").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(golt("get").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(golt("get", "k", "--timeout", "soon").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(golt("get", "k", "--consistency", "eventual").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("--endpoints", "127.0.0.1", "get", "k").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(node.requests()).isEmpty();
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        var r = cli.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("put", "get", "delete", "cas", "scan", "status", "members", "snapshot",
                "transfer-leadership", "Exit codes:", "GOLT_ENDPOINTS");
        assertThat(r.out()).containsPattern("4\\s+outcome unknown");
        var sub = cli.run("cas", "--help");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("--expect-absent", "--endpoints", "Exit codes:");
        assertThat(cli.run("members", "add", "--help").code()).isZero();
    }
}
