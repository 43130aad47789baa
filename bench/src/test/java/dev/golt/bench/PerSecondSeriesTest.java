package dev.golt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PerSecondSeriesTest {

    /** One second of {@code ops} answers, {@code maxMs} the slowest and the rest at 1 ms. */
    private static PerSecondSeries.Second second(int offset, long ops, double maxMs) {
        long max = (long) (maxMs * 1e6);
        return new PerSecondSeries.Second(offset, 1.0, ops, 0, 1_000_000, Math.min(max, 2_000_000), max, max, 1.5, 0);
    }

    /**
     * 20 seconds at 1,000 ops except a stall at 7 (300 ops; the answers it held back arrive in 8,
     * which has the worst maximum), exactly half the median at 12 (not below it) and nothing at 15.
     */
    private static PerSecondSeries stalled() {
        PerSecondSeries series = new PerSecondSeries();
        for (int t = 0; t < 20; t++) {
            long ops = switch (t) {
                case 7 -> 300;
                case 12 -> 500;
                case 15 -> 0;
                default -> 1000;
            };
            double maxMs = switch (t) {
                case 8 -> 480;
                case 16 -> 900;
                case 3 -> 60;
                case 11 -> 60;
                case 19 -> 75;
                default -> 20 + t;
            };
            series.add(second(t, ops, maxMs));
        }
        return series;
    }

    @Test
    void throughputMinMedianMax() {
        PerSecondSeries s = stalled();
        assertThat(s.size()).isEqualTo(20);
        assertThat(s.minOpsPerSecond()).isEqualTo(0);
        assertThat(s.medianOpsPerSecond()).isEqualTo(1000);
        assertThat(s.maxOpsPerSecond()).isEqualTo(1000);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        PerSecondSeries s = new PerSecondSeries();
        for (long ops : new long[] {400, 100, 300, 200}) {
            s.add(second(s.size(), ops, 5));
        }
        assertThat(s.medianOpsPerSecond()).isEqualTo(250);
        assertThat(s.belowHalfMedian()).extracting(PerSecondSeries.Second::offset).containsExactly(1);
        assertThat(new PerSecondSeries().medianOpsPerSecond()).isNaN();
        assertThat(new PerSecondSeries().belowHalfMedian()).isEmpty();
    }

    @Test
    void secondsBelowHalfTheMedianAreStrictlyBelowAndInOrder() {
        assertThat(stalled().belowHalfMedian()).extracting(PerSecondSeries.Second::offset).containsExactly(7, 15);
    }

    @Test
    void throughputIsPerSecondOfTheIntervalsRealLength() {
        PerSecondSeries s = new PerSecondSeries();
        s.add(new PerSecondSeries.Second(0, 1.0, 1000, 0, 1, 1, 1, 1, 0, 0));
        // the sampler was 200 ms late: a long interval and then a short one, neither of them a stall
        s.add(new PerSecondSeries.Second(1, 1.2, 1200, 0, 1, 1, 1, 1, 0, 0));
        s.add(new PerSecondSeries.Second(2, 0.8, 800, 0, 1, 1, 1, 1, 0, 0));
        assertThat(s.medianOpsPerSecond()).isCloseTo(1000, within(1e-9));
        assertThat(s.minOpsPerSecond()).isCloseTo(1000, within(1e-9));
        assertThat(s.belowHalfMedian()).isEmpty();
    }

    @Test
    void worstSecondsByMaxLatencyWorstFirstEarlierFirstOnTiesEmptySecondsLast() {
        List<PerSecondSeries.Second> worst = stalled().worstByMaxLatency(5);
        assertThat(worst).extracting(PerSecondSeries.Second::offset).containsExactly(16, 8, 19, 3, 11);
        assertThat(worst.get(0).maxMillis()).isEqualTo(900.0);
        assertThat(stalled().worstByMaxLatency(20).getLast().offset()).isEqualTo(15);
        assertThat(stalled().worstByMaxLatency(20).getLast().maxMillis()).isNaN();
    }

    @Test
    void summarizesAnIntervalHistogram() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1_000_000L);
        }
        PerSecondSeries.Second s = PerSecondSeries.Second.of(4, 1.0, h, 2, 0.7, 12);
        assertThat(s.ops()).isEqualTo(1000);
        assertThat(s.errors()).isEqualTo(2);
        assertThat(s.p50Millis()).isCloseTo(500, within(1.0));
        assertThat(s.p99Millis()).isCloseTo(990, within(1.0));
        assertThat(s.maxMillis()).isCloseTo(1000, within(1.0));
        assertThat(PerSecondSeries.Second.of(5, 1.0, new Histogram(3), 3, 0, 0).p99Millis()).isNaN();
    }

    @Test
    void errorsAddUp() {
        PerSecondSeries s = new PerSecondSeries();
        s.add(new PerSecondSeries.Second(0, 1.0, 10, 3, 1, 1, 1, 1, 0, 0));
        s.add(new PerSecondSeries.Second(1, 1.0, 10, 4, 1, 1, 1, 1, 0, 0));
        assertThat(s.errors()).isEqualTo(7);
    }
}
