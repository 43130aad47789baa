package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.storage.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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
            putAt(store, 7);
            assertThat(store.durableAppliedIndex()).isZero();
            awaitDurable(store, 7);
            assertThat(store.tablesPerLevel()[0]).isEqualTo(1);
        }
        try (LsmStore reopened = LsmStore.open(tmp.resolve("db"), LsmOptions.defaults())) {
            assertThat(reopened.get("k".getBytes())).isEqualTo("v".getBytes());
            assertThat(reopened.durableAppliedIndex()).isEqualTo(7);
        }
    }

    @Test
    void anEmptyMemtableIsNotSwitchedOutByAge() throws Exception {
        try (LsmStore store = LsmStore.open(tmp.resolve("db"), LsmOptions.defaults().withMemtableMaxAgeMillis(10))) {
            putAt(store, 1);
            awaitDurable(store, 1);
            long manifest = manifestBytes();
            // Ten more age checks pass over the new, empty memtable: switching it out would write
            // (and fsync) a version edit each time, though no table comes of it.
            Thread.sleep(100);
            assertThat(manifestBytes()).isEqualTo(manifest);
            assertThat(store.tablesPerLevel()[0]).isEqualTo(1);
        }
    }

    private static void putAt(LsmStore store, long index) {
        WriteBatch b = new WriteBatch();
        b.put("k".getBytes(), "v".getBytes());
        store.apply(b, index);
    }

    private static void awaitDurable(LsmStore store, long index) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (store.durableAppliedIndex() < index && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(store.durableAppliedIndex()).as("flushed by age").isEqualTo(index);
    }

    private long manifestBytes() throws IOException {
        try (Stream<Path> files = Files.list(tmp.resolve("db"))) {
            long total = 0;
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }
}
