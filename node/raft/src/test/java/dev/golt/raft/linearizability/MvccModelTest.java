package dev.golt.raft.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.raft.linearizability.MvccOperation.KeyState;
import org.junit.jupiter.api.Test;

/**
 * The checker with {@link MvccModel} on hand-written histories: it must reject each way a store can
 * get revisions wrong (a read at a past revision seeing a later write, two writes with one
 * revision, a revision skipped, a compare-and-swap against a stale mod revision, ...) and accept
 * concurrent operations linearized in either order and writes of unknown outcome filling gaps.
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
}
