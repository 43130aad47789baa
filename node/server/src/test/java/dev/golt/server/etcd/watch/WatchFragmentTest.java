// Fragmenting: a watch that asks for it gets responses over the service's size limit cut into
// fragments exactly where etcd's sendFragments cuts them; other watches get them whole.
package dev.golt.server.etcd.watch;

import static dev.golt.server.etcd.watch.WatchClient.watchPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.WatchResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchFragmentTest {

    @TempDir
    Path dir;

    @Test
    void aLargeResponseIsCutIntoFragmentsForAWatchThatAsksAndSentWholeToOneThatDoesNot() throws Exception {
        int max = 4096;
        try (WatchFixture f = new WatchFixture(dir, WatchLimits.defaults(), WatchService.DEFAULT_PROGRESS_INTERVAL, max);
                WatchClient c = f.client()) {
            long fragmented = c.createAndAwait(WireFields.withWatchIdAndFragment(watchPrefix("big/"), 0, true));
            long whole = c.createAndAwait(watchPrefix("big/"));
            Map<String, String> kvs = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                kvs.put("big/" + (char) ('a' + i), "x".repeat(1000));
            }
            long rev = f.putAll(kvs);

            List<WatchResponse> parts = new ArrayList<>();
            WatchResponse single = null;
            while (single == null || parts.isEmpty() || WireFields.fragment(parts.get(parts.size() - 1))) {
                WatchResponse r = c.next();
                if (r.getWatchId() == whole) {
                    single = r;
                } else {
                    assertThat(r.getWatchId()).isEqualTo(fragmented);
                    parts.add(r);
                }
            }
            assertThat(single.getEventsCount()).isEqualTo(20);
            assertThat(WireFields.fragment(single)).isFalse();
            assertThat(parts).hasSizeGreaterThan(4);
            assertThat(parts.subList(0, parts.size() - 1)).allSatisfy(p -> assertThat(WireFields.fragment(p)).isTrue());
            assertThat(parts).allSatisfy(p -> {
                assertThat(p.getSerializedSize()).isLessThan(max);
                assertThat(p.getHeader().getRevision()).isEqualTo(rev);
            });
            assertThat(parts.stream().flatMap(p -> p.getEventsList().stream()).toList())
                    .containsExactlyElementsOf(single.getEventsList());
        }
    }

    @Test
    void aSingleEventOverTheLimitIsSentWholeEvenToAFragmentingWatch() throws Exception {
        try (WatchFixture f = new WatchFixture(dir, WatchLimits.defaults(), WatchService.DEFAULT_PROGRESS_INTERVAL, 1024);
                WatchClient c = f.client()) {
            long id = c.createAndAwait(WireFields.withWatchIdAndFragment(watchPrefix("big/"), 0, true));
            f.put("big/one", "y".repeat(10_000));
            WatchResponse r = c.next();
            assertThat(r.getWatchId()).isEqualTo(id);
            assertThat(r.getEventsCount()).isEqualTo(1);
            assertThat(WireFields.fragment(r)).isFalse();
        }
    }

    @Test
    void fragmentsAreCutWhereEtcdsSendFragmentsCutsThem() {
        Random rnd = new Random(3);
        for (int round = 0; round < 200; round++) {
            WatchResponse.Builder b = WatchResponse.newBuilder().setWatchId(rnd.nextInt(5))
                    .setHeader(WatchFixture.header(rnd.nextInt(100_000)));
            int n = rnd.nextInt(30);
            for (int i = 0; i < n; i++) {
                b.addEvents(Event.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k" + i))
                        .setValue(ByteString.copyFrom(new byte[rnd.nextInt(rnd.nextBoolean() ? 300 : 3000)]))
                        .setModRevision(i + 1)));
            }
            int max = 200 + rnd.nextInt(4000);
            WatchResponse wr = b.build();
            assertThat(WatchResponses.fragments(wr, max)).as("round %d", round).isEqualTo(etcdSendFragments(wr, max));
        }
    }

    /** etcd's sendFragments (v3rpc/watch.go), literally: re-measures the growing response after each event. */
    private static List<WatchResponse> etcdSendFragments(WatchResponse wr, int maxRequestBytes) {
        if (wr.getSerializedSize() < maxRequestBytes || wr.getEventsCount() < 2) {
            return List.of(wr);
        }
        List<WatchResponse> out = new ArrayList<>();
        int idx = 0;
        while (true) {
            WatchResponse.Builder cur = WireFields.markFragment(wr.toBuilder().clearEvents());
            for (Event ev : wr.getEventsList().subList(idx, wr.getEventsCount())) {
                cur.addEvents(ev);
                if (cur.getEventsCount() > 1 && cur.build().getSerializedSize() >= maxRequestBytes) {
                    cur.removeEvents(cur.getEventsCount() - 1);
                    break;
                }
                idx++;
            }
            boolean last = idx == wr.getEventsCount();
            out.add(last ? wr.toBuilder().clearEvents().addAllEvents(cur.getEventsList()).build() : cur.build());
            if (last) {
                return out;
            }
        }
    }
}
