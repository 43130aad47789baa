// Model-based test: random writes (puts, deletes, range deletes, transactions), compactions, one
// store replacement, watches created with random ranges, start revisions, filters and prev_kv on
// several streams — some read all the time, some in bursts with long stalls behind a small HTTP/2
// window and small queues — and cancels. At the end, what each watcher received is compared with the
// event log: exactly the events of its range from its start revision, in order, once each; or, for a
// watcher canceled with compact_revision, a gapless beginning of that, all below the compaction.
package dev.golt.server.etcd.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.WatchCreateRequest;
import dev.golt.etcd.api.WatchResponse;
import dev.golt.storage.mvcc.Event;
import dev.golt.storage.mvcc.KeyRange;
import dev.golt.storage.mvcc.MvccStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WatchModelTest {

    private static final String[] KEYS = {"a", "a/1", "a/2", "a/3", "b", "b/x", "c", "d"};

    @TempDir
    Path dir;

    /** One watch as the test asked for it. */
    record Asked(int stream, long id, KeyRange range, long start, boolean noPut, boolean noDelete, boolean prevKv) {}

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void everyWatcherGetsExactlyItsPartOfTheEventLogWhateverTheInterleaving(long seed) throws Exception {
        Random rnd = new Random(seed);
        long queueBytes = new long[] {4 << 10, 16 << 10, 256 << 10}[rnd.nextInt(3)];
        WatchLimits limits = WatchLimits.defaults().withStreamQueueBytes(queueBytes)
                .withCatchUp(new int[] {3, 40, 1000}[rnd.nextInt(3)], new long[] {2 << 10, 1 << 20}[rnd.nextInt(2)])
                .withWatchersPerPass(new int[] {1, 4, 512}[rnd.nextInt(3)]);
        try (WatchFixture f = new WatchFixture(dir, limits, WatchService.DEFAULT_PROGRESS_INTERVAL,
                WatchService.DEFAULT_MAX_RESPONSE_BYTES, 16 << 10)) {
            run(rnd, f, queueBytes);
        }
    }

    private void run(Random rnd, WatchFixture f, long queueBytes) throws Exception {
        List<WatchClient> clients = List.of(f.client(), f.manualClient(), f.manualClient());
        clients.get(1).request(5);
        clients.get(2).request(5);
        Map<String, Asked> asked = new LinkedHashMap<>(); // "stream/id"
        Set<String> canceledByTest = new HashSet<>();
        long[] nextId = {1, 1, 1};
        TreeMap<Long, List<Event>> extra = new TreeMap<>();
        Set<Long> compactions = new HashSet<>();
        MvccStore[] replica = {f.openStore("replica")};
        int resetAt = 150 + rnd.nextInt(300);

        for (int step = 0; step < 600; step++) {
            int op = rnd.nextInt(100);
            if (op < 50) {
                write(f, replica[0], randomChange(rnd));
            } else if (op < 62) {
                int s = rnd.nextInt(3);
                long id = nextId[s]++;
                long rev = f.revision();
                long compacted = f.store.get().compactedRevision();
                long start = switch (rnd.nextInt(8)) {
                    case 0, 1, 2 -> 0;
                    case 3, 4 -> rev == 0 ? 0 : Math.max(1, compacted) + (long) rnd.nextInt((int) (rev - Math.max(1, compacted) + 1));
                    case 5, 6 -> rev + 1 + rnd.nextInt(30);
                    default -> compacted > 1 ? 1 + rnd.nextInt((int) compacted) : 1; // maybe compacted: canceled
                };
                WatchCreateRequest.Builder b = randomRange(rnd).setStartRevision(start).setPrevKv(rnd.nextInt(3) == 0);
                boolean noPut = rnd.nextInt(6) == 0;
                boolean noDelete = !noPut && rnd.nextInt(6) == 0;
                if (noPut) {
                    b.addFilters(WatchCreateRequest.FilterType.NOPUT);
                }
                if (noDelete) {
                    b.addFilters(WatchCreateRequest.FilterType.NODELETE);
                }
                WatchCreateRequest req = b.build();
                asked.put(s + "/" + id, new Asked(s, id, KeyRange.ofEtcd(req.getKey().toByteArray(),
                        req.getRangeEnd().toByteArray()), start, noPut, noDelete, req.getPrevKv()));
                clients.get(s).create(WireFields.withWatchIdAndFragment(req.toBuilder(), id, false));
            } else if (op < 65 && !asked.isEmpty()) {
                List<String> live = asked.keySet().stream().filter(k -> !canceledByTest.contains(k)).toList();
                if (!live.isEmpty()) {
                    String k = live.get(rnd.nextInt(live.size()));
                    canceledByTest.add(k);
                    clients.get(asked.get(k).stream()).cancel(asked.get(k).id());
                }
            } else if (op < 67 && rnd.nextInt(8) == 0) {
                // Now and then, and mostly well behind the head: lagging watchers may be caught by it.
                long rev = f.revision();
                long compacted = f.store.get().compactedRevision();
                long to = Math.min(rev, Math.max(compacted + 1, rev - 10 - rnd.nextInt(60)));
                if (to > compacted) {
                    f.compact(to);
                    if (replica[0] != null) {
                        f.applyTo(replica[0], w -> w.compact(to));
                    }
                    compactions.add(to);
                }
            } else if (op < 70) {
                int s = rnd.nextInt(3);
                clients.get(s).requestProgress();
            } else if (op < 85) {
                clients.get(1 + rnd.nextInt(2)).request(1 + rnd.nextInt(40));
            }
            if (step == resetAt) {
                // A snapshot arrives: the replica has the same history plus a few writes this store never
                // applied, maybe compacted further; it replaces the store.
                MvccStore r = replica[0];
                for (int i = rnd.nextInt(6); i > 0; i--) {
                    List<Event> evs = f.applyTo(r, randomChange(rnd));
                    if (!evs.isEmpty()) {
                        extra.put(r.revision(), evs);
                    }
                }
                if (rnd.nextBoolean()) {
                    // Up to about where this node was: its laggards may be caught by it.
                    long to = f.hub.revision() - rnd.nextInt(30);
                    if (to > r.compactedRevision()) {
                        f.applyTo(r, w -> w.compact(to));
                        compactions.add(to);
                    }
                }
                f.store.set(r);
                f.hub.reset();
                replica[0] = null;
            }
        }

        // The end: a last write, so that no earlier progress answer names the final revision; cancel the
        // watches that start beyond it (they would wait forever); then on each stream a sentinel watch
        // and a progress request, read after every request made before: the first progress answer
        // after the sentinel's created response that names the last revision comes after every event.
        long last = f.put("zz/fence", "end");
        assertThat(f.hub.revision()).isEqualTo(last);
        for (Asked a : asked.values()) {
            if (a.start() > last && canceledByTest.add(a.stream() + "/" + a.id())) {
                clients.get(a.stream()).cancel(a.id());
            }
        }
        long[] sentinel = new long[3];
        for (int s = 0; s < 3; s++) {
            sentinel[s] = nextId[s]++;
            WatchCreateRequest.Builder b = WatchClient.watch("zz/sentinel");
            asked.put(s + "/" + sentinel[s], new Asked(s, sentinel[s], KeyRange.single(WatchFixture.bytes("zz/sentinel")),
                    0, false, false, false));
            clients.get(s).create(WireFields.withWatchIdAndFragment(b, sentinel[s], false));
            clients.get(s).request(Integer.MAX_VALUE);
            clients.get(s).requestProgress();
        }
        TreeMap<Long, List<Event>> truth = new TreeMap<>(f.log);
        truth.putAll(extra);
        long maxRevisionBytes = truth.values().stream().mapToLong(e -> WatchResponses.bytes(e, true)).max().orElse(0);

        for (int s = 0; s < 3; s++) {
            // Requests made while a watcher was behind are answered together, once: the answer that
            // names the last revision comes after every event up to it, for every watcher of the stream.
            long mark = sentinel[s];
            boolean[] sentinelCreated = {false};
            List<WatchResponse> rs = clients.get(s).until(r -> {
                sentinelCreated[0] |= r.getCreated() && r.getWatchId() == mark;
                return sentinelCreated[0] && r.getWatchId() == -1 && !r.getCreated() && r.getHeader().getRevision() == last;
            });
            check(s, rs, asked, canceledByTest, truth, compactions, last);
        }
        WatchHub.Stats stats = f.hub.stats();
        System.out.printf("model: %d revisions, %d watches, queue %d B: fell behind %d times, %d compacted away%n",
                last, asked.size(), queueBytes, stats.fellBehind(), stats.compactedAway());
        for (WatchStream st : f.hub.streams()) {
            assertThat(st.queue.peakBytes()).isLessThanOrEqualTo(queueBytes + maxRevisionBytes);
        }
        clients.forEach(WatchClient::close);
    }

    private static void write(WatchFixture f, MvccStore replica, WatchFixture.Change change) {
        f.apply(change);
        if (replica != null) {
            f.applyTo(replica, change);
        }
    }

    private static WatchFixture.Change randomChange(Random rnd) {
        int kind = rnd.nextInt(10);
        String key = KEYS[rnd.nextInt(KEYS.length)];
        byte[] value = new byte[rnd.nextInt(3000)];
        rnd.nextBytes(value);
        if (kind < 6) {
            return w -> w.put(WatchFixture.bytes(key), value, 0);
        }
        if (kind < 8) {
            return w -> w.deleteRange(KeyRange.single(WatchFixture.bytes(key)));
        }
        if (kind < 9) {
            return w -> w.deleteRange(KeyRange.prefix(WatchFixture.bytes("a/")));
        }
        List<String> txn = new ArrayList<>(List.of(KEYS));
        java.util.Collections.shuffle(txn, rnd);
        List<String> picked = txn.subList(0, 2 + rnd.nextInt(2));
        return w -> picked.forEach(k -> w.put(WatchFixture.bytes(k), value, 0));
    }

    private static WatchCreateRequest.Builder randomRange(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> WatchClient.watch(KEYS[rnd.nextInt(KEYS.length)]);
            case 2 -> WatchClient.watchPrefix("a/");
            case 3 -> WatchClient.watchAll();
            default -> WatchClient.watch("b").setRangeEnd(ByteString.copyFrom(new byte[] {0}));
        };
    }

    private static void check(int s, List<WatchResponse> rs, Map<String, Asked> asked, Set<String> canceledByTest,
            TreeMap<Long, List<Event>> truth, Set<Long> compactions, long last) {
        Map<Long, List<dev.golt.etcd.api.Event>> got = new HashMap<>();
        Map<Long, Long> createdAt = new HashMap<>();
        Map<Long, WatchResponse> ended = new HashMap<>();
        Map<Long, Long> lastHeader = new HashMap<>();
        for (WatchResponse r : rs) {
            long id = r.getWatchId();
            if (r.getCreated()) {
                assertThat(r.getCanceled()).as("create refused: %s", r.getCancelReason()).isFalse();
                assertThat(createdAt.put(id, r.getHeader().getRevision())).as("created once").isNull();
                continue;
            }
            if (id == -1) {
                continue; // a progress answer
            }
            assertThat(createdAt).as("stream %d: a response for watch %d before its created response", s, id).containsKey(id);
            assertThat(ended).as("stream %d: a response for watch %d after it ended", s, id).doesNotContainKey(id);
            if (r.getCanceled()) {
                ended.put(id, r);
                continue;
            }
            assertThat(r.getEventsCount()).as("no progress notifications were asked for").isPositive();
            long header = r.getHeader().getRevision();
            assertThat(header).isGreaterThanOrEqualTo(r.getEvents(r.getEventsCount() - 1).getKv().getModRevision());
            assertThat(header).isGreaterThanOrEqualTo(lastHeader.getOrDefault(id, 0L));
            lastHeader.put(id, header);
            got.computeIfAbsent(id, k -> new ArrayList<>()).addAll(r.getEventsList());
        }
        for (Asked a : asked.values()) {
            if (a.stream() != s) {
                continue;
            }
            String name = "stream " + s + " watch " + a.id() + " " + a;
            assertThat(createdAt).as(name).containsKey(a.id());
            long from = a.start() == 0 ? createdAt.get(a.id()) + 1 : a.start();
            List<Event> expected = new ArrayList<>();
            for (List<Event> evs : truth.tailMap(from, true).values()) {
                for (Event e : evs) {
                    boolean filtered = e.type() == Event.Type.PUT ? a.noPut() : a.noDelete();
                    if (!filtered && a.range().contains(e.kv().key())) {
                        expected.add(e);
                    }
                }
            }
            List<dev.golt.etcd.api.Event> received = got.getOrDefault(a.id(), List.of());
            WatchResponse end = ended.get(a.id());
            boolean byTest = canceledByTest.contains(s + "/" + a.id());
            if (end != null && end.getCompactRevision() != 0) {
                long c = end.getCompactRevision();
                assertThat(compactions).as(name + " canceled at a compaction that happened").contains(c);
                assertThat(received.size()).as(name).isLessThanOrEqualTo(expected.size());
                assertThat(received).as(name + ": events below the compaction").allSatisfy(
                        e -> assertThat(e.getKv().getModRevision()).isLessThan(c));
                expected = expected.subList(0, received.size());
            } else if (byTest) {
                assertThat(end).as(name + " canceled by the client").isNotNull();
                // Canceled at some point by the client: what it got is a gapless beginning.
                assertThat(received.size()).as(name).isLessThanOrEqualTo(expected.size());
                expected = expected.subList(0, received.size());
            } else {
                assertThat(end).as(name + " still open").isNull();
            }
            assertThat(received).as(name).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Event e = expected.get(i);
                dev.golt.etcd.api.Event r = received.get(i);
                assertThat(r.toBuilder().clearPrevKv().build()).as(name + " event " + i)
                        .isEqualTo(WatchResponses.toProto(e, false));
                if (!a.prevKv()) {
                    assertThat(r.hasPrevKv()).isFalse();
                } else if (r.hasPrevKv()) {
                    assertThat(r.getPrevKv()).isEqualTo(WatchResponses.toProto(e.prevKv()));
                } else {
                    // A replay cannot read the version before an event at a compaction revision (etcd neither).
                    assertThat(e.prevKv() == null || compactions.contains(e.kv().modRevision()))
                            .as(name + " event " + i + " lost its prev_kv").isTrue();
                }
            }
            assertThat(last).isPositive();
        }
    }
}
