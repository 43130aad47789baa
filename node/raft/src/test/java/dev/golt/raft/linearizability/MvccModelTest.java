package dev.golt.raft.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.raft.linearizability.MvccOperation.KeyState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker with {@link MvccModel} on hand-written histories: it must reject each way a store can
 * get revisions wrong (a read at a past revision seeing a later write, two writes with one
 * revision, a revision skipped, a compare-and-swap against a stale mod revision, ...) and accept
 * concurrent operations linearized in either order and writes of unknown outcome filling gaps; and
 * accept random histories of a correct store with overlapping clients and unknown outcomes, quickly.
 */
class MvccModelTest {

    private final MvccHistory h = new MvccHistory();

    private static KeyState kv(String value, long create, long mod, long version) {
        return new KeyState(value, create, mod, version);
    }

    private boolean linearizable() {
        return LinearizabilityChecker.check(h.operations(), new MvccModel()).linearizable();
    }

    private void put(String key, String value, long revision) {
        h.putOk(h.invoke(MvccOperation.put(0, key, value)), revision);
    }

    private void range(String key, KeyState read, long revision) {
        h.rangeOk(h.invoke(MvccOperation.range(0, key)), read, revision);
    }

    private void rangeAt(String key, long at, KeyState read, long revision) {
        h.rangeOk(h.invoke(MvccOperation.rangeAt(0, key, at, false)), read, revision);
    }

    @Test
    void aSequentialHistoryOfEveryKindOfOperationIsAccepted() {
        put("k", "a", 2);
        put("j", "x", 3);
        put("k", "b", 4);
        range("k", kv("b", 2, 4, 2), 4);
        rangeAt("k", 3, kv("a", 2, 2, 1), 4);
        rangeAt("j", 2, null, 4);
        h.casOk(h.invoke(MvccOperation.cas(0, "k", 4, "c")), true, null, 5);
        h.casOk(h.invoke(MvccOperation.cas(0, "k", 4, "d")), false, kv("c", 2, 5, 3), 5);
        h.deleteOk(h.invoke(MvccOperation.delete(0, "k")), 1, 6);
        h.deleteOk(h.invoke(MvccOperation.delete(0, "k")), 0, 6);
        h.casOk(h.invoke(MvccOperation.cas(0, "k", 0, "e")), true, null, 7);
        range("k", kv("e", 7, 7, 1), 7);
        rangeAt("k", 6, null, 7);
        rangeAt("k", 5, kv("c", 2, 5, 3), 7);
        assertThat(linearizable()).isTrue();
    }

    @Test
    void aReadAtAPastRevisionThatSeesALaterWriteIsRejected() {
        put("k", "a", 2);
        put("k", "b", 3);
        rangeAt("k", 2, kv("b", 2, 3, 2), 3);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aReadAtAPastRevisionWithTheRightValueButTheWrongVersionIsRejected() {
        put("k", "a", 2);
        put("k", "b", 3);
        rangeAt("k", 3, kv("b", 3, 3, 1), 3);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void twoWritesReturningTheSameRevisionAreRejected() {
        MvccOperation a = h.invoke(MvccOperation.put(1, "k", "a"));
        MvccOperation b = h.invoke(MvccOperation.put(2, "j", "b"));
        h.putOk(a, 2);
        h.putOk(b, 2);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aWriteWhoseRevisionSkipsOneIsRejected() {
        put("k", "a", 2);
        put("k", "b", 4);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aSkippedRevisionIsAcceptedWhenAWriteOfUnknownOutcomeCanHaveMadeIt() {
        put("k", "a", 2);
        h.unknown(h.invoke(MvccOperation.put(1, "j", "lost?")));
        put("k", "b", 4);
        range("j", kv("lost?", 3, 3, 1), 4);
        assertThat(linearizable()).isTrue();
    }

    @Test
    void aWriteOfUnknownOutcomeThatDidNotHappenIsAccepted() {
        h.unknown(h.invoke(MvccOperation.put(1, "j", "lost")));
        put("k", "a", 2);
        range("j", null, 2);
        assertThat(linearizable()).isTrue();
    }

    @Test
    void aCompareAndSwapThatSucceededAgainstAStaleModRevisionIsRejected() {
        put("k", "a", 2);
        put("k", "b", 3);
        h.casOk(h.invoke(MvccOperation.cas(0, "k", 2, "c")), true, null, 4);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aFailedCompareOrADeleteOfNothingThatMadeARevisionIsRejected() {
        put("k", "a", 2);
        h.casOk(h.invoke(MvccOperation.cas(0, "k", 0, "c")), false, kv("a", 2, 2, 1), 3);
        assertThat(linearizable()).isFalse();

        MvccHistory other = new MvccHistory();
        other.deleteOk(other.invoke(MvccOperation.delete(0, "k")), 0, 2);
        assertThat(LinearizabilityChecker.check(other.operations(), new MvccModel()).linearizable()).isFalse();
    }

    @Test
    void aStaleLatestReadIsRejected() {
        put("k", "a", 2);
        range("k", null, 1);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aCompactedAnswerIsRejectedSinceNothingIsCompacted() {
        put("k", "a", 2);
        h.rangeError(h.invoke(MvccOperation.rangeAt(0, "k", 2, false)), MvccOperation.Error.COMPACTED);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aFutureRevisionAnswerForARevisionAlreadySeenIsRejected() {
        put("k", "a", 2);
        h.rangeError(h.invoke(MvccOperation.rangeAt(0, "k", 2, false)), MvccOperation.Error.FUTURE_REVISION);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void concurrentWritesAreAcceptedInEitherOrderOfTheirRevisions() {
        for (long first : new long[] {2, 3}) {
            MvccHistory concurrent = new MvccHistory();
            MvccOperation a = concurrent.invoke(MvccOperation.put(1, "k", "a"));
            MvccOperation b = concurrent.invoke(MvccOperation.put(2, "k", "b"));
            MvccOperation read = concurrent.invoke(MvccOperation.range(3, "k"));
            concurrent.putOk(b, 5 - first);
            concurrent.putOk(a, first);
            // Overlapping both: sees the first of them, whichever it was.
            concurrent.rangeOk(read, first == 2 ? kv("a", 2, 2, 1) : kv("b", 2, 2, 1), 2);
            concurrent.rangeOk(concurrent.invoke(MvccOperation.range(3, "k")),
                    first == 2 ? kv("b", 2, 3, 2) : kv("a", 2, 3, 2), 3);
            assertThat(LinearizabilityChecker.check(concurrent.operations(), new MvccModel()).linearizable())
                    .as("first write at revision %d", first).isTrue();
        }
    }

    @Test
    void aReadOverlappingAWriteMaySeeItOrNotButNotAfterASequentialReadSawIt() {
        put("k", "a", 2);
        MvccOperation write = h.invoke(MvccOperation.put(1, "k", "b"));
        range("k", kv("b", 2, 3, 2), 3);
        range("k", kv("a", 2, 2, 1), 2);
        h.putOk(write, 3);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aSerializableReadAtAPastRevisionIsCheckedOnItsValueOnly() {
        put("k", "a", 2);
        put("k", "b", 3);
        // A node that is behind answers with its own older header revision.
        h.rangeOk(h.invoke(MvccOperation.rangeAt(0, "k", 2, true)), kv("a", 2, 2, 1), 2);
        assertThat(linearizable()).isTrue();
        h.rangeOk(h.invoke(MvccOperation.rangeAt(0, "k", 2, true)), kv("b", 2, 3, 2), 3);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void theRegisterModelStillRejectsAStaleRead() {
        History registers = new History();
        registers.putOk(registers.invoke(Operation.put(0, "k", "a")));
        registers.getOk(registers.invoke(Operation.get(1, "k")), null);
        assertThat(LinearizabilityChecker.check(registers).linearizable()).isFalse();
        History fresh = new History();
        fresh.putOk(fresh.invoke(Operation.put(0, "k", "a")));
        fresh.getOk(fresh.invoke(Operation.get(1, "k")), "a");
        assertThat(LinearizabilityChecker.check(fresh).linearizable()).isTrue();
    }

    @Test
    void randomHistoriesOfACorrectStoreAreAcceptedAndOneImpossiblePastReadIsNot() {
        int mutated = 0;
        for (int seed = 0; seed < 30; seed++) {
            MvccHistory random = new MvccHistory();
            Store store = new Store(new Random(seed), 12);
            store.run(random, 600);
            if (seed % 2 == 0) {
                store.sweep(random);
            }
            long t0 = System.nanoTime();
            assertThat(LinearizabilityChecker.check(random.operations(), new MvccModel()).linearizable())
                    .as("seed %d", seed).isTrue();
            assertThat(System.nanoTime() - t0).as("seed %d check time", seed).isLessThan(5_000_000_000L);
            if (store.pastRead != null) {
                // The key as of revision R cannot have had a mod revision above R.
                store.pastRead.read = store.laterState;
                assertThat(LinearizabilityChecker.check(random.operations(), new MvccModel()).linearizable())
                        .as("seed %d with %s", seed, store.pastRead).isFalse();
                mutated++;
            }
        }
        assertThat(mutated).isGreaterThan(20);
    }

    @Test
    void longRandomHistoriesWithAQuarterOfTheOutcomesLostAreAcceptedQuickly() {
        for (int seed = 100; seed < 106; seed++) {
            MvccHistory random = new MvccHistory();
            Store store = new Store(new Random(seed), 4);
            store.run(random, 3000);
            if (seed % 2 == 0) {
                store.sweep(random);
            }
            long t0 = System.nanoTime();
            assertThat(LinearizabilityChecker.check(random.operations(), new MvccModel()).linearizable())
                    .as("seed %d", seed).isTrue();
            assertThat(System.nanoTime() - t0).as("seed %d check time", seed).isLessThan(20_000_000_000L);
        }
    }

    /**
     * A correct store, written independently of {@link MvccModel}: clients overlap, each operation
     * takes effect at a random moment between its invocation and its return, and some outcomes are
     * lost (taken effect or not).
     */
    private static final class Store {
        private static final List<String> KEYS = List.of("a", "b", "c");
        private final Random r;
        private final Map<String, KeyState> current = new HashMap<>();
        /** The key space as of each revision (index: revision - 1). */
        private final List<Map<String, KeyState>> byRevision = new ArrayList<>(List.of(Map.of()));
        /** A definite read at a past revision R, and a later state of its key with a mod revision above R. */
        MvccOperation pastRead;
        KeyState laterState;

        private final int lostOneIn;

        /** @param lostOneIn one operation in this many has its outcome lost */
        Store(Random r, int lostOneIn) {
            this.r = r;
            this.lostOneIn = lostOneIn;
        }

        private long revision() {
            return byRevision.size();
        }

        private void write(String key, KeyState state) {
            if (state == null) {
                current.remove(key);
            } else {
                current.put(key, state);
            }
            byRevision.add(Map.copyOf(current));
        }

        private void put(String key, String value) {
            KeyState prev = current.get(key);
            long rev = revision() + 1;
            write(key, prev == null ? new KeyState(value, rev, rev, 1)
                    : new KeyState(value, prev.createRevision(), rev, prev.version() + 1));
        }

        /** A client's operation in flight: applied (its outcome computed) or not yet, lost or not. */
        private static final class Pending {
            MvccOperation op;
            boolean applied;
            boolean lost;
            Runnable complete;
        }

        /** Runs {@code steps} steps of 5 clients (then lets those in flight finish). */
        void run(MvccHistory h, int steps) {
            Pending[] clients = new Pending[5];
            long[] seen = new long[clients.length];
            Map<Integer, Map<String, Long>> mods = new HashMap<>();
            for (int step = 0; step < steps || Arrays.stream(clients).anyMatch(p -> p != null); step++) {
                int c = r.nextInt(clients.length);
                Pending p = clients[c];
                Map<String, Long> mod = mods.computeIfAbsent(c, k -> new HashMap<>());
                if (p == null) {
                    if (step >= steps) {
                        continue;
                    }
                    p = clients[c] = new Pending();
                    String key = KEYS.get(r.nextInt(KEYS.size()));
                    String value = c + "-" + step;
                    int dice = r.nextInt(100);
                    p.op = h.invoke(dice < 25 ? MvccOperation.put(c, key, value)
                            : dice < 45 ? MvccOperation.range(c, key)
                            : dice < 65 ? MvccOperation.rangeAt(c, key, 1 + r.nextLong(Math.max(1, seen[c])), false)
                            : dice < 85 ? MvccOperation.cas(c, key, mod.getOrDefault(key, 0L), value)
                            : MvccOperation.delete(c, key));
                    p.lost = r.nextInt(lostOneIn) == 0;
                } else if (!p.applied && !(p.lost && r.nextBoolean())) {
                    p.applied = true;
                    MvccOperation op = p.op;
                    String key = op.key();
                    KeyState before = current.get(key);
                    switch (op.kind()) {
                        case PUT -> {
                            put(key, op.value());
                            long rev = revision();
                            p.complete = () -> { h.putOk(op, rev); mod.put(key, rev); };
                        }
                        case RANGE -> {
                            long rev = revision();
                            p.complete = () -> { h.rangeOk(op, before, rev); remember(mod, key, before); };
                        }
                        case RANGE_AT -> {
                            long rev = revision();
                            KeyState then = byRevision.get((int) op.atRevision() - 1).get(key);
                            p.complete = () -> {
                                h.rangeOk(op, then, rev);
                                if (before != null && before.modRevision() > op.atRevision()) {
                                    pastRead = op;
                                    laterState = before;
                                }
                            };
                        }
                        case CAS -> {
                            boolean holds = op.expectedModRevision() == 0 ? before == null
                                    : before != null && before.modRevision() == op.expectedModRevision();
                            if (holds) {
                                put(key, op.value());
                            }
                            long rev = revision();
                            p.complete = () -> {
                                h.casOk(op, holds, before, rev);
                                if (holds) {
                                    mod.put(key, rev);
                                } else {
                                    remember(mod, key, before);
                                }
                            };
                        }
                        case DELETE -> {
                            if (before != null) {
                                write(key, null);
                            }
                            long rev = revision();
                            p.complete = () -> { h.deleteOk(op, before == null ? 0 : 1, rev); mod.remove(key); };
                        }
                    }
                } else {
                    if (p.lost) {
                        h.unknown(p.op);
                    } else {
                        p.complete.run();
                        seen[c] = Math.max(seen[c], p.op.revision);
                    }
                    clients[c] = null;
                }
            }
        }

        /** After the clients: every key read at every revision, as the etcd test does at the end. */
        void sweep(MvccHistory h) {
            for (long rev = 2; rev <= revision(); rev++) {
                for (String key : KEYS) {
                    h.rangeOk(h.invoke(MvccOperation.rangeAt(9, key, rev, false)),
                            byRevision.get((int) rev - 1).get(key), revision());
                }
            }
        }

        private static void remember(Map<String, Long> mod, String key, KeyState read) {
            if (read == null) {
                mod.remove(key);
            } else {
                mod.put(key, read.modRevision());
            }
        }
    }
}
