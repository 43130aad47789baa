package dev.golt.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.io.FaultInjectingFileIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash at every write/fsync boundary of a WAL workload: the reopened log must be exactly the state
 * after some operation at or after the last acknowledged sync. Plus single-bit flips.
 */
class WalCrashTest {

    @TempDir
    Path tmp;

    /** Runs the workload, recording the state after every operation and which one was last synced. */
    static final class Run {
        final List<String> states = new ArrayList<>();
        int lastAcked;
    }

    static String state(SegmentedWal wal) {
        StringBuilder sb = new StringBuilder();
        sb.append("first=").append(wal.firstIndex()).append(" last=").append(wal.lastIndex())
                .append(" prevTerm=").append(wal.term(wal.firstIndex() - 1))
                .append(" hs=").append(wal.hardState().toString().replace('\n', ' '))
                .append(" snap=").append(wal.snapshotMetadata().getIndex());
        for (Entry e : wal.entries(wal.firstIndex(), wal.lastIndex() + 1, Long.MAX_VALUE)) {
            sb.append(" (").append(e.getIndex()).append(',').append(e.getTerm()).append(',').append(e.getData().toStringUtf8()).append(')');
        }
        return sb.toString();
    }

    static void workload(SegmentedWal wal, Run run, long seed) {
        Random rnd = new Random(seed);
        long term = 1;
        run.states.add(state(wal));
        for (int op = 0; op < 60; op++) {
            int r = rnd.nextInt(10);
            if (r < 6) {
                long at = wal.lastIndex() + 1;
                if (rnd.nextInt(6) == 0 && wal.lastIndex() >= wal.firstIndex()) {
                    at = Math.max(wal.firstIndex(), wal.lastIndex() - rnd.nextInt(3));
                    term++;
                }
                wal.append(List.of(Entry.newBuilder().setIndex(at).setTerm(term)
                        .setData(ByteString.copyFromUtf8("d" + op + "x".repeat(rnd.nextInt(120)))).build()));
            } else if (r < 7) {
                wal.setHardState(HardState.newBuilder().setTerm(term).setVote("n" + op).setCommit(wal.lastIndex()).build());
            } else if (r < 9) {
                wal.sync();
                run.states.add(state(wal));
                run.lastAcked = run.states.size() - 1;
                continue;
            } else if (wal.lastIndex() > wal.firstIndex() + 3) {
                long idx = wal.lastIndex() - 2;
                wal.createSnapshot(SnapshotMetadata.newBuilder().setIndex(idx).setTerm(wal.term(idx)).build());
                run.states.add(state(wal));
                wal.compact(idx - 1); // syncs
                run.states.add(state(wal));
                run.lastAcked = run.states.size() - 1;
                continue;
            }
            run.states.add(state(wal));
        }
    }

    static WalOptions options() {
        return WalOptions.defaults().withSegmentBytes(1024).withCacheBytes(256);
    }

    @Test
    void recoversAnAcknowledgedStateAfterACrashAtEveryBoundary() throws IOException {
        for (long seed = 1; seed <= 2; seed++) {
            FaultInjectingFileIo counting = new FaultInjectingFileIo(Long.MAX_VALUE);
            Path ref = tmp.resolve("ref" + seed);
            // The states of an uninterrupted run: an operation cut short by the crash may still have
            // reached its end state durably, so the reference run supplies every possible state.
            Run reference = new Run();
            try (SegmentedWal wal = SegmentedWal.open(ref, options().withIo(counting))) {
                workload(wal, reference, seed);
            }
            long total = counting.operations();
            assertThat(total).isGreaterThan(50);
            for (long crashAt = 1; crashAt <= total; crashAt++) {
                Path dir = tmp.resolve("s" + seed + "-c" + crashAt);
                FaultInjectingFileIo io = new FaultInjectingFileIo(crashAt);
                Run run = new Run();
                SegmentedWal wal = null;
                try {
                    wal = SegmentedWal.open(dir, options().withIo(io));
                    workload(wal, run, seed);
                    wal.close();
                } catch (RuntimeException e) {
                    if (!io.crashed()) {
                        throw e;
                    }
                }
                io.powerLoss(new Random(crashAt));
                String recovered;
                try (SegmentedWal reopened = SegmentedWal.open(dir, options().withFsync(dev.golt.storage.FsyncPolicy.NEVER))) {
                    recovered = state(reopened);
                }
                List<String> allowed = reference.states.subList(run.lastAcked, reference.states.size());
                if (run.states.isEmpty()) {
                    assertThat(recovered).as("crash during first open at op %d", crashAt).startsWith("first=1 last=0");
                } else if (!allowed.contains(recovered)) {
                    fail("seed %d crash at %d: recovered %s%nnot among acknowledged-or-later states (last acked %s)",
                            seed, crashAt, recovered, run.states.get(run.lastAcked));
                }
                deleteRecursively(dir);
            }
        }
    }

    @Test
    void singleBitFlipsGiveTheExactStateOrACorruptionError() throws IOException {
        Path clean = tmp.resolve("clean");
        Run run = new Run();
        try (SegmentedWal wal = SegmentedWal.open(clean, options())) {
            workload(wal, run, 99);
            wal.sync();
            run.states.add(state(wal));
        }
        String expected = run.states.get(run.states.size() - 1);
        List<Path> segments;
        try (Stream<Path> s = Files.list(clean)) {
            segments = s.filter(p -> FileNames.parseWalSegment(p.getFileName().toString()).isPresent()).sorted().toList();
        }
        Random rnd = new Random(5);
        int corruptions = 0;
        for (int trial = 0; trial < 200; trial++) {
            Path dir = tmp.resolve("flip" + trial);
            copy(clean, dir);
            Path victim = dir.resolve(segments.get(rnd.nextInt(segments.size())).getFileName());
            byte[] bytes = Files.readAllBytes(victim);
            if (bytes.length == 0) {
                continue;
            }
            int bit = rnd.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(victim, bytes);
            try (SegmentedWal wal = SegmentedWal.open(dir, options())) {
                assertThat(state(wal)).as("flip of bit %d in %s", bit, victim.getFileName()).isEqualTo(expected);
            } catch (CorruptionException e) {
                corruptions++;
                assertThat(e).hasMessageContaining("corrupt");
            }
            deleteRecursively(dir);
        }
        assertThat(corruptions).isGreaterThan(100);
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    static void deleteRecursively(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
