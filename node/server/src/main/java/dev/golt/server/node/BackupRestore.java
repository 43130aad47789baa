package dev.golt.server.node;

import dev.golt.proto.ConfState;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.raft.RaftLogStore;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.io.AtomicFile;
import dev.golt.storage.io.NioFileIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Starts a member of a new cluster from a {@link BackupFile} ({@code --restore-from}), as
 * {@code etcdutl snapshot restore} prepares a data directory: the backup's state becomes the state
 * machine, and the log starts right after its applied index as if a snapshot had been installed
 * there, in term 1, with the new cluster's members. Every member restored from the same backup with
 * the same members starts from the same snapshot, so their logs agree from the first entry on.
 *
 * <p>Restoring only ever fills an empty data directory. A {@code RESTORED} file (the backup's digest)
 * is written before the log takes the snapshot, so a member restarted with the flag still set (a pod
 * spec keeps its arguments) starts on its data and leaves the flag alone, while a directory that holds
 * any other member's state is refused instead of overwritten. A crash before the log took the
 * snapshot leaves the log empty, and the next start restores again from the beginning.
 */
final class BackupRestore {

    private static final Logger LOG = Logger.getLogger(BackupRestore.class);
    static final String MARKER = "RESTORED";

    private BackupRestore() {}

    /**
     * @param fresh   whether the log holds nothing yet
     * @param members the new cluster's configuration (null when this node would not bootstrap one)
     * @throws IllegalStateException when the data directory already holds state it was not restored to
     * @throws BackupFile.InvalidBackupException when the backup is damaged (nothing is written then)
     */
    static void restoreIfAsked(NodeSettings settings, boolean fresh, RaftLogStore log, StateMachine sm,
            ConfState members) {
        Path backup = settings.restoreFrom();
        if (backup == null) {
            return;
        }
        Path marker = settings.dataDir().resolve(MARKER);
        if (!fresh) {
            if (Files.exists(marker)) {
                LOG.infof("node %s: data directory was restored from a backup before (%s); starting on it, not on %s",
                        settings.id(), read(marker), backup);
                return;
            }
            throw new IllegalStateException("--restore-from: " + settings.dataDir()
                    + " already holds a member's state; a backup is restored only into an empty data directory");
        }
        if (members == null) {
            throw new IllegalStateException("--restore-from starts a new cluster: it needs --initial-cluster-state new"
                    + " and this node among its members (--peers, or --initial-members naming " + settings.id() + ")");
        }
        // the same configuration on every member, whichever order its flags list them in
        members = members.toBuilder().clearVoters().addAllVoters(members.getVotersList().stream().sorted().toList()).build();
        try {
            Path unpacked = settings.dataDir().resolve("restore.tmp");
            StateMachine.deleteTree(unpacked);
            long t0 = System.nanoTime();
            String digest = BackupFile.unpack(backup, unpacked);
            sm.install(unpacked);
            long index = sm.appliedIndex();
            if (index == 0) {
                throw new BackupFile.InvalidBackupException(backup + " holds no applied entries");
            }
            AtomicFile.write(new NioFileIo(), FsyncPolicy.ALWAYS, settings.dataDir(), MARKER + ".tmp", MARKER,
                    ("sha256:" + digest + " index:" + index + " from:" + backup + "\n").getBytes(StandardCharsets.UTF_8));
            log.applySnapshot(SnapshotMetadata.newBuilder().setIndex(index).setTerm(1).setConfState(members).build());
            log.setHardState(HardState.newBuilder().setTerm(1).setCommit(index).build());
            log.sync();
            LOG.infof("node %s: restored from %s (sha256 %s): applied index %d, revision %d, members %s, in %d ms",
                    settings.id(), backup, digest, index, sm.mvcc().revision(), members.getVotersList(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("--restore-from " + backup + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path marker) {
        try {
            return Files.readString(marker).trim();
        } catch (IOException e) {
            return "unreadable " + MARKER + " file";
        }
    }
}
