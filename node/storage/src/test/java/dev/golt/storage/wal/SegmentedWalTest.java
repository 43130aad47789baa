package dev.golt.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedWalTest {

    @TempDir
    Path dir;

    static Entry entry(long index, long term, String data) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFromUtf8(data)).build();
    }

    static List<Entry> range(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(i, term, "v" + i + "-" + term));
        }
        return out;
    }

    WalOptions small() {
        return WalOptions.defaults().withSegmentBytes(2048).withCacheBytes(500);
    }

    @Test
    void appendsSyncsAndRecovers() {
        HardState hs = HardState.newBuilder().setTerm(3).setVote("b").setCommit(7).build();
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            assertThat(wal.firstIndex()).isEqualTo(1);
            assertThat(wal.lastIndex()).isZero();
            wal.append(range(1, 300, 1));
            wal.setHardState(hs);
            wal.sync();
            assertThat(wal.segmentCount()).isGreaterThan(1);
        }
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            assertThat(wal.lastIndex()).isEqualTo(300);
            assertThat(wal.hardState()).isEqualTo(hs);
            assertThat(wal.entries(1, 301, Long.MAX_VALUE)).isEqualTo(range(1, 300, 1));
            assertThat(wal.term(50)).isEqualTo(1);
        }
    }

    @Test
    void conflictingSuffixIsReplacedAlsoAfterRecovery() {
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            wal.append(range(1, 40, 1));
            wal.append(range(30, 35, 2));
            wal.sync();
            assertThat(wal.lastIndex()).isEqualTo(35);
            assertThat(wal.term(30)).isEqualTo(2);
            assertThat(wal.term(29)).isEqualTo(1);
        }
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            assertThat(wal.lastIndex()).isEqualTo(35);
            List<Entry> expected = new ArrayList<>(range(1, 29, 1));
            expected.addAll(range(30, 35, 2));
            assertThat(wal.entries(1, 36, Long.MAX_VALUE)).isEqualTo(expected);
        }
    }

    @Test
    void compactionDropsWholeSegmentsAndKeepsBoundaryTerm() {
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            wal.append(range(1, 200, 4));
            wal.sync();
            int before = wal.segmentCount();
            wal.createSnapshot(SnapshotMetadata.newBuilder().setIndex(150).setTerm(4).build());
            wal.compact(150);
            assertThat(wal.segmentCount()).isLessThan(before);
            assertThat(wal.firstIndex()).isEqualTo(151);
            assertThat(wal.term(150)).isEqualTo(4);
            assertThatThrownBy(() -> wal.term(149)).isInstanceOf(CompactedException.class);
            assertThatThrownBy(() -> wal.entries(150, 151, 100)).isInstanceOf(CompactedException.class);
        }
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            assertThat(wal.firstIndex()).isEqualTo(151);
            assertThat(wal.lastIndex()).isEqualTo(200);
            assertThat(wal.term(150)).isEqualTo(4);
            assertThat(wal.snapshotMetadata().getIndex()).isEqualTo(150);
            assertThat(wal.entries(151, 201, Long.MAX_VALUE)).isEqualTo(range(151, 200, 4));
        }
    }

    @Test
    void applySnapshotDiscardsTheLog() {
        ConfState conf = ConfState.newBuilder().addVoters("a").addVoters("b").build();
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            wal.append(range(1, 60, 1));
            wal.applySnapshot(SnapshotMetadata.newBuilder().setIndex(500).setTerm(9).setConfState(conf).build());
            assertThat(wal.firstIndex()).isEqualTo(501);
            assertThat(wal.lastIndex()).isEqualTo(500);
            assertThat(wal.term(500)).isEqualTo(9);
            wal.append(range(501, 510, 9));
            wal.sync();
        }
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            assertThat(wal.firstIndex()).isEqualTo(501);
            assertThat(wal.lastIndex()).isEqualTo(510);
            assertThat(wal.snapshotMetadata().getConfState()).isEqualTo(conf);
        }
    }

    @Test
    void confChangeEntriesAreKeptAsEntriesWithoutChangingTheSnapshotsMembership() {
        ConfState snapshotConf = ConfState.newBuilder().addVoters("a").addVoters("b").putAddresses("a", "h:0").build();
        Entry add = Entry.newBuilder().setIndex(1).setTerm(1).setType(EntryType.ENTRY_CONF_CHANGE)
                .setData(ConfChange.newBuilder().setType(ConfChangeType.CONF_ADD_LEARNER).setNodeId("c").setAddress("h:1").build().toByteString()).build();
        Entry remove = Entry.newBuilder().setIndex(2).setTerm(1).setType(EntryType.ENTRY_CONF_CHANGE)
                .setData(ConfChange.newBuilder().setType(ConfChangeType.CONF_REMOVE_NODE).setNodeId("a").build().toByteString()).build();
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            wal.applySnapshot(SnapshotMetadata.newBuilder().setIndex(0).setConfState(snapshotConf).build());
            wal.append(List.of(add, remove));
            wal.sync();
        }
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            assertThat(wal.snapshotMetadata().getConfState()).isEqualTo(snapshotConf);
            assertThat(wal.entries(1, 3, Long.MAX_VALUE)).containsExactly(add, remove);
        }
    }

    @Test
    void tornTailOfLastSegmentIsTruncated() throws IOException {
        try (SegmentedWal wal = SegmentedWal.open(dir, WalOptions.defaults())) {
            wal.append(range(1, 10, 1));
            wal.sync();
        }
        Path last = lastSegment();
        long size = Files.size(last);
        try (var ch = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 9 - 3); // past the clean-close marker (9 bytes) into the last entry
        }
        try (SegmentedWal wal = SegmentedWal.open(dir, WalOptions.defaults())) {
            assertThat(wal.lastIndex()).isEqualTo(9);
            assertThat(wal.entries(1, 10, Long.MAX_VALUE)).isEqualTo(range(1, 9, 1));
        }
    }

    @Test
    void corruptionBeforeTheLastSegmentRefusesToOpen() throws IOException {
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            wal.append(range(1, 300, 1));
            wal.sync();
        }
        Path first = FileNames.walSegment(dir, 1);
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(first, bytes);
        assertThatThrownBy(() -> SegmentedWal.open(dir, small()))
                .isInstanceOf(CorruptionException.class).hasMessageContaining("not the last");
    }

    @Test
    void rejectsAppendsOutsideTheLog() {
        try (SegmentedWal wal = SegmentedWal.open(dir, small())) {
            wal.append(range(1, 5, 1));
            assertThatThrownBy(() -> wal.append(range(7, 8, 1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> wal.entries(1, 7, 10)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(wal.entries(1, 6, 1)).hasSize(1);
        }
    }

    @Test
    void theLastSegmentNumberStillAddressesItsEntriesAndRollingPastItFailsLoudly() throws IOException {
        WalOptions uncached = small().withCacheBytes(0); // every read goes to disk through the location
        try (SegmentedWal wal = SegmentedWal.open(dir, uncached)) {
            wal.append(range(1, 5, 1));
            wal.sync();
        }
        // A long-lived WAL: its one segment gets the number just below the last usable one.
        Files.move(FileNames.walSegment(dir, 1), FileNames.walSegment(dir, WalLocation.MAX_SEGMENT - 1));
        long last;
        try (SegmentedWal wal = SegmentedWal.open(dir, uncached)) { // starts segment MAX_SEGMENT
            assertThatThrownBy(() -> wal.append(range(6, 300, 1)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("beyond the last usable one");
            last = wal.lastIndex();
            assertThat(last).isBetween(6L, 299L);
            wal.sync();
            assertThat(wal.entries(1, last + 1, Long.MAX_VALUE)).isEqualTo(range(1, last, 1));
        }
        assertThatThrownBy(() -> SegmentedWal.open(dir, uncached))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("segment number " + (WalLocation.MAX_SEGMENT + 1));
    }

    private Path lastSegment() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FileNames.parseWalSegment(p.getFileName().toString()).isPresent()).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }
}
