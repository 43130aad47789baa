package dev.golt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverTest {

    private final CliRunner cli = new CliRunner();
    private StubNode a;
    private StubNode b;
    private String refused;

    @BeforeEach
    void start() throws IOException {
        a = new StubNode();
        b = new StubNode();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            refused = "127.0.0.1:" + s.getLocalPort(); // closed again: connecting is refused
        }
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void aRefusedConnectionMovesOnToTheNextEndpoint() {
        b.put("k", "v");
        var r = cli.run("--endpoints", refused + "," + b.endpoint(), "get", "k");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("v\n");
        var put = cli.run("--endpoints", refused + "," + b.endpoint(), "put", "x", "y");
        assertThat(put.code()).isZero();
        assertThat(b.value("x")).isEqualTo("y");
    }

    @Test
    void a503MovesOnToTheNextEndpointWithoutWaiting() {
        a.thenAnswer(503, StubNode.error("unavailable", "no leader"), "1");
        var r = cli.run("--endpoints", a.endpoint() + "," + b.endpoint(), "put", "k", "v");
        assertThat(r.code()).isZero();
        assertThat(a.value("k")).isNull();
        assertThat(b.value("k")).isEqualTo("v");
        assertThat(cli.waits).isEmpty();
    }

    @Test
    void aRoundOf503sWaitsForRetryAfterThenTriesAgain() {
        a.thenAnswer(503, StubNode.error("unavailable", "no leader"), "1");
        b.thenAnswer(503, StubNode.error("unavailable", "no leader"), "1");
        var r = cli.run("--endpoints", a.endpoint() + "," + b.endpoint(), "put", "k", "v");
        assertThat(r.code()).isZero();
        assertThat(cli.waits).containsExactly(Duration.ofSeconds(1));
        assertThat(a.value("k")).isEqualTo("v");
    }

    @Test
    void aLongRetryAfterIsHonouredOnlyBriefly() {
        a.thenAnswer(503, StubNode.error("unavailable", "no quorum"), "30");
        var r = cli.run("--endpoints", a.endpoint(), "get", "k");
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_LOST);
        assertThat(cli.waits).containsExactly(NodeClient.MAX_RETRY_WAIT);
    }

    @Test
    void endless503sEndAsUnavailableWhenTheTimeoutLeavesNoRoomToWait() {
        a.alwaysAnswer(503, StubNode.error("unavailable", "no leader"), "1", 0);
        var r = cli.run("--endpoints", a.endpoint(), "--timeout", "500ms", "put", "k", "v");
        assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("unavailable").contains("503").contains("no leader");
        assertThat(a.requests()).hasSize(1);
        assertThat(cli.waits).isEmpty();
    }

    @Test
    void noReachableEndpointIsUnavailable() {
        var r = cli.run("--endpoints", refused, "status");
        assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("cannot connect").contains(refused);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void a504IsAnUnknownOutcomeAndIsNotRetried() {
        a.thenAnswer(504, StubNode.error("timeout", "write timed out"), null);
        var r = cli.run("--endpoints", a.endpoint() + "," + b.endpoint(), "put", "k", "v");
        assertThat(r.code()).isEqualTo(ExitCodes.OUTCOME_UNKNOWN);
        assertThat(r.err()).contains("outcome unknown").contains("write timed out");
        assertThat(b.requests()).isEmpty();
    }

    @Test
    void aWriteWithoutAnAnswerInTimeIsAnUnknownOutcome() {
        a.alwaysAnswer(200, "{\"success\":true,\"index\":1}", null, 3000);
        var r = cli.run("--endpoints", a.endpoint() + "," + b.endpoint(), "--timeout", "1s", "put", "k", "v");
        assertThat(r.code()).isEqualTo(ExitCodes.OUTCOME_UNKNOWN);
        assertThat(b.requests()).isEmpty();
    }

    @Test
    void aReadWithoutAnAnswerInTimeTriesTheNextEndpoint() {
        a.alwaysAnswer(200, "{}", null, 3000);
        b.put("k", "v");
        var r = cli.run("--endpoints", a.endpoint() + "," + b.endpoint(), "--timeout", "1s", "get", "k");
        // The slow first endpoint used the whole budget: unavailable, never a wrong answer.
        assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badInputIsAUsageErrorAndOtherFailuresAreServerErrors() {
        a.thenAnswer(413, StubNode.error("too_large", "value over 1048576 bytes"), null);
        var tooLarge = cli.run("--endpoints", a.endpoint(), "put", "k", "v");
        assertThat(tooLarge.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooLarge.err()).contains("413 too_large: value over 1048576 bytes");

        a.thenAnswer(500, StubNode.error("internal", "boom"), null);
        var internal = cli.run("--endpoints", a.endpoint(), "get", "k");
        assertThat(internal.code()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(internal.err()).contains("500 internal: boom");

        a.thenAnswer(200, "<html>proxy</html>", null);
        var notJson = cli.run("--endpoints", a.endpoint(), "status");
        assertThat(notJson.code()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(notJson.err()).contains("without a JSON body");
    }
}
