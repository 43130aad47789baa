// BackupCommand: `golt backup FILE`, etcdctl snapshot save's counterpart: saves one member's backup
// (etcd's Maintenance.Snapshot stream) to a file that golt-node --restore-from starts a new cluster from.
package dev.golt.cli;

import dev.golt.etcd.api.MaintenanceGrpc;
import dev.golt.etcd.api.SnapshotRequest;
import dev.golt.etcd.api.SnapshotResponse;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Written to {@code FILE.part}, fsynced and renamed, as etcdctl does, so an interrupted backup never
 * leaves a file that looks complete; the stream's own length rule (whole 512-byte blocks and the
 * SHA-256) is checked before the rename. No --timeout: a large backup takes as long as it takes.
 */
@Command(name = "backup", description = {
        "Save a backup of one member's state (etcd's Maintenance.Snapshot, from the first --grpc-endpoints",
        "member that answers) to FILE; start a new cluster from it with golt-node --restore-from FILE."})
final class BackupCommand extends EtcdCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "where to write the backup")
    Path file;

    @Override
    int run(ManagedChannel channel) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        long bytes = 0;
        long revision = 0;
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Iterator<SnapshotResponse> stream = MaintenanceGrpc.newBlockingStub(channel).snapshot(SnapshotRequest.getDefaultInstance());
            while (stream.hasNext()) {
                SnapshotResponse r = stream.next();
                if (r.hasHeader()) {
                    revision = r.getHeader().getRevision();
                }
                bytes += r.getBlob().size();
                for (var b : r.getBlob().asReadOnlyByteBufferList()) {
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                }
            }
            if (bytes % 512 != 32) {
                throw new CliException(ExitCodes.SERVER_ERROR, "the stream ended after " + bytes
                        + " bytes, which is not a whole backup (whole 512-byte blocks and a 32-byte SHA-256)");
            }
            out.force(true);
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        out().println("Backup saved at " + file + " (" + bytes + " bytes, revision " + revision + ")");
        return ExitCodes.OK;
    }

    @Override
    boolean writes() {
        return false;
    }
}
