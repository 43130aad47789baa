package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.storage.WriteBatch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LsmOptions#memtableMaxAgeMillis()}: writes that stop coming do not stay in the memtable
 * (and so in the log the owner would replay after a crash) for longer than the age allows.
 */
class MemtableMaxAgeTest {

    @TempDir
    Path tmp;

    @Test
    void aMemtableOlderThanItsMaxAgeIsFlushedWithoutAnotherWrite() throws Exception {
        try (LsmStore store = LsmStore.open(tmp.resolve("db"), LsmOptions.defaults().withMemtableMaxAgeMillis(50))) {
            WriteBatch b = new WriteBatch();
            b.put("k".getBytes(), "v".getBytes());
            store.apply(b, 7);
            assertThat(store.durableAppliedIndex()).isZero();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (store.durableAppliedIndex() < 7 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(store.durableAppliedIndex()).as("flushed by age").isEqualTo(7);
            assertThat(store.tablesPerLevel()[0]).isEqualTo(1);
        }
        try (LsmStore reopened = LsmStore.open(tmp.resolve("db"), LsmOptions.defaults())) {
            assertThat(reopened.get("k".getBytes())).isEqualTo("v".getBytes());
            assertThat(reopened.durableAppliedIndex()).isEqualTo(7);
        }
    }

    @Test
    void anEmptyMemtableIsNeverFlushedByAge() throws Exception {
        try (LsmStore store = LsmStore.open(tmp.resolve("db"), LsmOptions.defaults().withMemtableMaxAgeMillis(10))) {
            WriteBatch b = new WriteBatch();
            b.put("k".getBytes(), "v".getBytes());
            store.apply(b, 1);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (store.durableAppliedIndex() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // Several more age checks pass over the new, empty memtable: no empty table is written.
            Thread.sleep(100);
            assertThat(store.tablesPerLevel()[0]).isEqualTo(1);
        }
    }
}
