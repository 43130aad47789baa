package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing what etcd's benchmark tool prints (samples in src/test/resources/etcd-benchmark-output). */
class ToolSummaryTest {

    private static String sample(String name) throws IOException {
        try (InputStream in = ToolSummaryTest.class.getResourceAsStream("/etcd-benchmark-output/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheSummaryOfPut() throws IOException {
        List<ToolSummary> all = ToolSummary.parse(sample("put.out"));
        assertThat(all).hasSize(1);
        ToolSummary s = all.getFirst();
        assertThat(s.title()).isNull();
        assertThat(s.succeeded()).isTrue();
        assertThat(s.totalSeconds()).isEqualTo(0.349199532);
        assertThat(s.requestsPerSecond()).isEqualTo(1374.5722889456795);
        assertThat(s.averageMillis()).isCloseTo(7.2027, within(1e-3));
        assertThat(s.slowestSeconds()).isEqualTo(0.019159113);
        assertThat(s.fastestSeconds()).isEqualTo(0.001572697);
        assertThat(s.requests()).isEqualTo(480);
        assertThat(s.percentileSeconds()).containsOnlyKeys(10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0);
        assertThat(s.percentileMillis(50)).isCloseTo(6.728713, within(1e-9));
        assertThat(s.percentileMillis(99)).isCloseTo(18.26359, within(1e-9));
        assertThat(s.percentileMillis(99.9)).as("480 requests do not reach p99.9").isNaN();
        assertThat(s.errorCount()).isZero();
    }

    @Test
    void watchLatencyHasAPutAndAWatchSummaryAndZeroLatenciesAreLeftOut() throws IOException {
        List<ToolSummary> all = ToolSummary.parse(sample("watch-latency.out"));
        assertThat(all).extracting(ToolSummary::title).containsExactly("Put summary", "Watch events summary");
        ToolSummary put = all.get(0);
        assertThat(put.requests()).isEqualTo(30);
        ToolSummary watch = all.get(1);
        assertThat(watch.requests()).isEqualTo(300);
        assertThat(watch.fastestSeconds()).isZero();
        // p10..p50 were 0 (events that arrived before their Put's response): the tool prints none of them
        assertThat(watch.percentileSeconds()).containsOnlyKeys(75.0, 90.0, 95.0, 99.0);
        assertThat(watch.percentileMillis(50)).isZero();
        assertThat(watch.percentileMillis(99)).isCloseTo(1.045388, within(1e-9));
        assertThat(watch.percentileMillis(99.9)).isNaN();
    }

    @Test
    void errorsAreCountedNextToTheSuccesses() throws IOException {
        ToolSummary s = ToolSummary.parse(sample("some-failed.out")).getFirst();
        assertThat(s.succeeded()).isTrue();
        assertThat(s.requests()).isEqualTo(990);
        assertThat(s.errorCount()).isEqualTo(10);
        assertThat(s.errors()).containsEntry("context deadline exceeded", 2L);
        assertThat(s.percentileMillis(99)).isEqualTo(15.0);
    }

    @Test
    void everyRequestFailed() throws IOException {
        List<ToolSummary> all = ToolSummary.parse(sample("all-failed.out"));
        assertThat(all).hasSize(1);
        ToolSummary s = all.getFirst();
        assertThat(s.succeeded()).isFalse();
        assertThat(s.requests()).isZero();
        assertThat(s.errorCount()).isEqualTo(480);
        assertThat(s.percentileMillis(50)).isNaN();
        assertThat(s.errors().keySet()).containsExactly("rpc error: code = Unimplemented desc = unknown service etcdserverpb.KV");
    }

    @Test
    void nothingPrinted() {
        assertThat(ToolSummary.parse("")).isEmpty();
        assertThat(ToolSummary.parse("bench with linearizable range\n")).isEmpty();
    }

    @Test
    void percentilesTheToolComputes() {
        assertThat(ToolSummary.computed(999, 99.9)).isFalse();
        assertThat(ToolSummary.computed(1000, 99.9)).isTrue();
        assertThat(ToolSummary.computed(99, 99)).isFalse();
        assertThat(ToolSummary.computed(100, 99)).isTrue();
        // one percentile per latency, in order: two latencies give p10 only
        assertThat(ToolSummary.computed(2, 10)).isTrue();
        assertThat(ToolSummary.computed(2, 50)).isFalse();
    }
}
