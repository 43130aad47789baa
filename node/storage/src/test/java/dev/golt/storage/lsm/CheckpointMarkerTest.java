package dev.golt.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golt.storage.CorruptionException;
import dev.golt.storage.FileNames;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.WriteBatch;
import dev.golt.storage.io.FileIo;
import dev.golt.storage.io.Record;
import dev.golt.storage.io.RecordReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CHECKPOINT marker's byte layout, and that markers written before it had a type of their own still read. */
class CheckpointMarkerTest {

    @TempDir
    Path dir;

    private void writeRaw(byte type, byte[] payload) throws IOException {
        Files.write(dir.resolve(FileNames.CHECKPOINT), Record.encode(type, payload));
    }

    @Test
    void aMarkerIsOneRecordOfItsOwnTypeHoldingTheIndexBigEndian() throws IOException {
        CheckpointMarker.write(FileIo.DEFAULT, FsyncPolicy.ALWAYS, dir, 0x0102030405060708L);

        byte[] file = Files.readAllBytes(dir.resolve(FileNames.CHECKPOINT));
        assertThat(file).hasSize(Record.HEADER_BYTES + 8);
        try (RecordReader r = new RecordReader(dir.resolve(FileNames.CHECKPOINT))) {
            RecordReader.Entry e = r.next();
            assertThat(e.type()).isEqualTo((byte) 0x43);
            assertThat(e.payload()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(r.next()).isNull();
        }
        assertThat(Files.exists(dir.resolve(FileNames.CHECKPOINT_TMP))).isFalse();
        assertThat(CheckpointMarker.read(dir)).isEqualTo(0x0102030405060708L);
    }

    @Test
    void aMarkerWrittenBeforeItHadItsOwnTypeStillReads() throws IOException {
        // What LsmStore.checkpoint wrote before: the manifest's EDIT type around the same 8 bytes.
        writeRaw(Manifest.EDIT, ByteBuffer.allocate(8).putLong(4242).array());
        assertThat(CheckpointMarker.read(dir)).isEqualTo(4242);
    }

    @Test
    void aNewMarkerKeepsThePayloadThatOlderReadersCheck() {
        // Older readers accepted any record whose payload was 8 bytes, whatever its type.
        byte[] encoded = CheckpointMarker.encode(7);
        assertThat(ByteBuffer.wrap(encoded).getInt(4)).isEqualTo(8);
        assertThat(ByteBuffer.wrap(encoded, Record.HEADER_BYTES, 8).getLong()).isEqualTo(7);
    }

    @Test
    void aRecordOfAnyOtherTypeIsNotAMarker() throws IOException {
        writeRaw((byte) 9, ByteBuffer.allocate(8).putLong(1).array());
        assertThatThrownBy(() -> CheckpointMarker.read(dir))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("unknown checkpoint marker type 9");
    }

    @Test
    void aMarkerOfTheWrongLengthOrWithABadChecksumIsRejected() throws IOException {
        writeRaw(CheckpointMarker.MARKER, new byte[4]);
        assertThatThrownBy(() -> CheckpointMarker.read(dir)).isInstanceOf(CorruptionException.class);

        byte[] flipped = CheckpointMarker.encode(3);
        flipped[flipped.length - 1] ^= 1;
        Files.write(dir.resolve(FileNames.CHECKPOINT), flipped);
        assertThatThrownBy(() -> CheckpointMarker.read(dir)).isInstanceOf(CorruptionException.class);
    }

    @Test
    void aStoreCheckpointCarriesANewMarkerAndOpensAsAStore() throws IOException {
        Path source = dir.resolve("source");
        Path target = dir.resolve("cp");
        LsmOptions options = LsmOptions.defaults().withFsync(FsyncPolicy.NEVER);
        try (LsmStore store = LsmStore.open(source, options)) {
            store.apply(new WriteBatch().put("k".getBytes(), "v".getBytes()), 17);
            assertThat(store.checkpoint(target)).isEqualTo(17);
        }
        try (RecordReader r = new RecordReader(target.resolve(FileNames.CHECKPOINT))) {
            assertThat(r.next().type()).isEqualTo(CheckpointMarker.MARKER);
        }
        assertThat(LsmStore.checkpointIndex(target)).isEqualTo(17);
        try (LsmStore copy = LsmStore.open(target, options)) {
            assertThat(copy.get("k".getBytes())).isEqualTo("v".getBytes());
            assertThat(copy.appliedIndex()).isEqualTo(17);
        }
    }
}
