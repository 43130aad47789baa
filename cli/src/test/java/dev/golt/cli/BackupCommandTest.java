// BackupCommandTest: `golt backup FILE` against a real etcd, whose Maintenance.Snapshot stream has the
// same shape as a Golt member's (whole 512-byte blocks, then the SHA-256 of what came before).
package dev.golt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCommandTest {

    private static EtcdCli e;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        e = new EtcdCli();
    }

    @AfterAll
    static void stop() {
        e.close();
    }

    @Test
    void backupSavesTheWholeStreamToTheFileAndLeavesNoPartialFileBehind() throws Exception {
        Path file = tmp.resolve("backup.db");
        var r = e.golt("backup", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        byte[] bytes = Files.readAllBytes(file);
        assertThat(r.out()).startsWith("Backup saved at " + file + " (" + bytes.length + " bytes, revision ");
        assertThat(bytes.length % 512).isEqualTo(32);
        assertThat(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, bytes.length - 32)));
        assertThat(tmp.resolve("backup.db.part")).doesNotExist();
    }

    @Test
    void aBackupThatCannotReachAnyMemberFailsAsUnavailableAndWritesNothing() {
        Path file = tmp.resolve("none.db");
        var r = new CliRunner().run("--grpc-endpoints", "127.0.0.1:1", "--timeout", "2s", "backup", file.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(file).doesNotExist();
        assertThat(tmp.resolve("none.db.part")).doesNotExist();
    }
}
