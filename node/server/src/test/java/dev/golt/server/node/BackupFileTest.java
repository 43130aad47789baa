package dev.golt.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup file's layout (see {@link BackupFile}): round trip, etcdctl's length rule, and every kind of damage refused. */
class BackupFileTest {

    @TempDir
    Path tmp;

    private Path checkpoint() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("checkpoint"));
        Random r = new Random(42);
        for (int size : new int[] {0, 1, 511, 512, 70_000}) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Files.write(dir.resolve("file-" + size), b);
        }
        Files.write(dir.resolve("LOCK"), new byte[0]);
        return dir;
    }

    private Path written(Path checkpoint) throws IOException {
        Path file = tmp.resolve("backup.db");
        try (var out = Files.newOutputStream(file)) {
            BackupFile.write(checkpoint, out);
        }
        return file;
    }

    @Test
    void aBackupUnpacksToTheSameFilesWithoutTheLockAndHasTheLengthEtcdctlAccepts() throws IOException {
        Path dir = checkpoint();
        Path file = written(dir);

        long length = Files.size(file);
        assertThat(length).isEqualTo(BackupFile.size(dir));
        // etcdctl 3.5 snapshot save: "sha256 checksum not found" unless length % 512 == 32
        assertThat(length % 512).isEqualTo(32);

        Path out = tmp.resolve("out");
        String digest = BackupFile.unpack(file, out);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("file-0", "file-1", "file-511", "file-512", "file-70000");
        }
        for (String name : new String[] {"file-0", "file-1", "file-511", "file-512", "file-70000"}) {
            assertThat(Files.readAllBytes(out.resolve(name))).isEqualTo(Files.readAllBytes(dir.resolve(name)));
        }
        byte[] all = Files.readAllBytes(file);
        byte[] body = java.util.Arrays.copyOf(all, all.length - 32);
        assertThat(digest).isEqualTo(java.util.HexFormat.of().formatHex(sha256(body)));
    }

    @Test
    void anyFlippedByteIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path file = written(checkpoint());
        byte[] good = Files.readAllBytes(file);
        for (int at : new int[] {0, 9, 20, 600, good.length / 2, good.length - 40, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Path damaged = Files.write(tmp.resolve("damaged-" + at), bad);
            Path out = tmp.resolve("out-" + at);
            assertThatThrownBy(() -> BackupFile.unpack(damaged, out)).as("byte %d flipped", at)
                    .isInstanceOf(BackupFile.InvalidBackupException.class);
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aTruncatedFileAndAnEtcdDatabaseAreRefusedSayingWhy() throws IOException {
        byte[] good = Files.readAllBytes(written(checkpoint()));
        Path truncated = Files.write(tmp.resolve("truncated"), java.util.Arrays.copyOf(good, good.length - 512));
        assertThatThrownBy(() -> BackupFile.unpack(truncated, tmp.resolve("a")))
                .isInstanceOf(BackupFile.InvalidBackupException.class).hasMessageContaining("damaged");

        byte[] etcd = new byte[4096 + 32]; // a bbolt file's pages plus etcd's digest: same length rule, other magic
        etcd[16] = 0x0C;
        Path etcdDb = Files.write(tmp.resolve("etcd.db"), etcd);
        assertThatThrownBy(() -> BackupFile.unpack(etcdDb, tmp.resolve("b")))
                .isInstanceOf(BackupFile.InvalidBackupException.class)
                .hasMessageContaining("an etcd snapshot cannot be restored into Golt");

        Path tiny = Files.write(tmp.resolve("tiny"), new byte[10]);
        assertThatThrownBy(() -> BackupFile.unpack(tiny, tmp.resolve("c")))
                .isInstanceOf(BackupFile.InvalidBackupException.class).hasMessageContaining("truncated?");
    }

    @Test
    void aFileNamePointingOutsideTheTargetIsRefusedEvenWithAValidDigest() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.write(BackupFile.MAGIC);
        d.writeInt(1);
        byte[] name = "../escaped".getBytes(StandardCharsets.UTF_8);
        d.writeShort(name.length);
        d.write(name);
        d.writeLong(3);
        d.write(new byte[] {1, 2, 3});
        d.write(new byte[512 - body.size()]);
        byte[] bytes = body.toByteArray();
        Path file = tmp.resolve("evil");
        Files.write(file, bytes);
        Files.write(file, sha256(bytes), java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> BackupFile.unpack(file, tmp.resolve("target")))
                .isInstanceOf(BackupFile.InvalidBackupException.class).hasMessageContaining("'../escaped'");
        assertThat(tmp.resolve("escaped")).doesNotExist();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
