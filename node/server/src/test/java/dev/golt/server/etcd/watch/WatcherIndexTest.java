// Model-based test of the synced-watcher index: random single-key, range, prefix and to-the-end
// watchers (many sharing a range, as thousands of clients watching one prefix do), added and removed
// at random; after every step the watchers found for random keys are exactly those whose range holds
// the key, each once.
package dev.golt.server.etcd.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.storage.mvcc.KeyRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WatcherIndexTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void findsExactlyTheWatchersWhoseRangeHoldsTheKey(long seed) {
        Random rnd = new Random(seed);
        WatcherIndex index = new WatcherIndex();
        List<Watcher> live = new ArrayList<>();
        List<KeyRange> shared = new ArrayList<>();
        for (int step = 0; step < 2_000; step++) {
            if (live.isEmpty() || rnd.nextInt(3) > 0) {
                KeyRange r = !shared.isEmpty() && rnd.nextBoolean() ? shared.get(rnd.nextInt(shared.size())) : range(rnd);
                shared.add(r);
                Watcher w = new Watcher(null, step, new WatchSpec(step, r, 0, false, false, false, false, false));
                index.add(w);
                live.add(w);
            } else {
                Watcher w = live.remove(rnd.nextInt(live.size()));
                assertThat(index.remove(w)).isTrue();
                assertThat(index.remove(w)).as("removed twice").isFalse();
            }
            assertThat(index.size()).isEqualTo(live.size());
            for (int probe = 0; probe < 5; probe++) {
                byte[] key = key(rnd);
                List<Watcher> found = new ArrayList<>();
                index.forEachOn(key, found::add);
                Set<Watcher> expected = new HashSet<>();
                for (Watcher w : live) {
                    if (w.spec.range().contains(key)) {
                        expected.add(w);
                    }
                }
                assertThat(found).as("watchers on %s at step %d", Arrays.toString(key), step)
                        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
            }
        }
        assertThat(index.all()).containsExactlyInAnyOrderElementsOf(live);
    }

    @Test
    void aClearedIndexFindsNothing() {
        WatcherIndex index = new WatcherIndex();
        Watcher w = new Watcher(null, 1, new WatchSpec(1, KeyRange.prefix(new byte[] {'a'}), 0, false, false, false, false, false));
        index.add(w);
        index.clear();
        List<Watcher> found = new ArrayList<>();
        index.forEachOn(new byte[] {'a', 'b'}, found::add);
        assertThat(found).isEmpty();
        assertThat(index.isEmpty()).isTrue();
    }

    /** Keys over a small alphabet that includes 0x00 and 0xFF, so that ranges meet at their edges. */
    private static byte[] key(Random rnd) {
        byte[] alphabet = {0, 'a', 'b', 'c', (byte) 0x7F, (byte) 0x80, (byte) 0xFF};
        byte[] k = new byte[rnd.nextInt(4)];
        for (int i = 0; i < k.length; i++) {
            k[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        return k;
    }

    private static KeyRange range(Random rnd) {
        byte[] from = key(rnd);
        switch (rnd.nextInt(4)) {
            case 0:
                return KeyRange.single(from);
            case 1:
                return KeyRange.prefix(from);
            case 2:
                return new KeyRange(from, null);
            default:
                byte[] to = key(rnd);
                return Arrays.compareUnsigned(from, to) < 0 ? new KeyRange(from, to) : KeyRange.single(from);
        }
    }
}
