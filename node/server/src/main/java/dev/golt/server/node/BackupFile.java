package dev.golt.server.node;

import com.google.common.io.ByteStreams;
import dev.golt.storage.lsm.LsmStore;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A backup of one member's state: the blob etcd's {@code Maintenance.Snapshot} stream carries, so
 * {@code etcdctl snapshot save} (and jetcd, and clientv3's {@code snapshot.Save}) store it, and
 * {@code golt-node --restore-from} starts a new cluster from it ({@code etcdutl snapshot restore}'s
 * counterpart). It packs a checkpoint directory of the state machine's LSM tree, which already holds
 * the applied index, every revision still retained and the leases.
 *
 * <pre>
 * magic    "GOLTBAK1"                     8 bytes (the digit is the format version)
 * count    u32                            number of files
 * file     name length u16, name (UTF-8, a plain file name), size u64, size bytes   x count
 * padding  zero bytes up to a multiple of 512
 * digest   SHA-256 of every byte before it  32 bytes
 * </pre>
 * Integers are big-endian. The trailing digest is etcd's: its server appends the SHA-256 of the
 * database it streamed, and etcdctl 3.5 refuses to save a stream whose length is not a multiple of
 * 512 plus those 32 bytes (a bbolt file is whole pages), hence the padding. A restore checks the
 * digest over the whole file before it writes anything.
 */
public final class BackupFile {

    static final byte[] MAGIC = "GOLTBAK1".getBytes(StandardCharsets.US_ASCII);
    static final int ALIGN = 512;
    static final int DIGEST_BYTES = 32;

    /** A file that is not a complete, intact Golt backup. */
    public static final class InvalidBackupException extends IllegalArgumentException {
        InvalidBackupException(String message) {
            super(message);
        }
    }

    private BackupFile() {}

    /** The length of the backup of {@code checkpointDir}, digest included (etcd's remaining_bytes need it first). */
    public static long size(Path checkpointDir) {
        long n = MAGIC.length + 4;
        for (Path f : LsmStore.checkpointFiles(checkpointDir)) {
            n += 2 + name(f).length + 8 + sizeOf(f);
        }
        return padded(n) + DIGEST_BYTES;
    }

    /** Writes the backup of {@code checkpointDir} to {@code out} (not closed). */
    public static void write(Path checkpointDir, OutputStream out) throws IOException {
        MessageDigest sha = sha256();
        var body = new java.io.DataOutputStream(new DigestOutputStream(out, sha));
        List<Path> files = LsmStore.checkpointFiles(checkpointDir);
        body.write(MAGIC);
        body.writeInt(files.size());
        long n = MAGIC.length + 4;
        for (Path f : files) {
            byte[] name = name(f);
            long size = sizeOf(f);
            body.writeShort(name.length);
            body.write(name);
            body.writeLong(size);
            try (InputStream in = Files.newInputStream(f)) {
                if (in.transferTo(body) != size) {
                    throw new IOException(f + " changed size while it was backed up");
                }
            }
            n += 2 + name.length + 8 + size;
        }
        body.write(new byte[(int) (padded(n) - n)]);
        body.flush();
        out.write(sha.digest());
    }

    /**
     * Checks {@code backup} and unpacks its files into {@code target} (created; must not exist),
     * each fsynced.
     *
     * @return the backup's digest, hex
     * @throws InvalidBackupException when the file is truncated, altered or not a backup
     */
    public static String unpack(Path backup, Path target) throws IOException {
        String digest = verify(backup);
        Files.createDirectories(target.getParent());
        Files.createDirectory(target);
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(backup), 1 << 16))) {
            in.skipNBytes(MAGIC.length);
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                byte[] name = in.readNBytes(in.readUnsignedShort());
                long size = in.readLong();
                Path file = target.resolve(checkedName(new String(name, StandardCharsets.UTF_8)));
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    if (ByteStreams.limit(in, size).transferTo(Channels.newOutputStream(ch)) != size) {
                        throw new EOFException();
                    }
                    ch.force(true);
                }
            }
        }
        try (FileChannel dir = FileChannel.open(target, StandardOpenOption.READ)) {
            dir.force(true);
        }
        return digest;
    }

    /** Checks the digest and the layout of the whole file; returns the digest, hex. */
    static String verify(Path backup) throws IOException {
        long length = Files.size(backup);
        if (length < MAGIC.length + 4 + DIGEST_BYTES || (length - DIGEST_BYTES) % ALIGN != 0) {
            throw new InvalidBackupException(backup + " is not a Golt backup (" + length
                    + " bytes: a backup is a multiple of 512 bytes plus a 32-byte digest; truncated?)");
        }
        MessageDigest sha = sha256();
        byte[] stored;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                new DigestInputStream(ByteStreams.limit(Files.newInputStream(backup), length - DIGEST_BYTES), sha), 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new InvalidBackupException(backup + " is not a Golt backup (it does not start with "
                        + new String(MAGIC, StandardCharsets.US_ASCII) + "; an etcd snapshot cannot be restored into Golt)");
            }
            long n = MAGIC.length + 4;
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                int nameLength = in.readUnsignedShort();
                checkedName(new String(in.readNBytes(nameLength), StandardCharsets.UTF_8));
                long size = in.readLong();
                if (size < 0 || size > length) {
                    throw new InvalidBackupException(backup + " is damaged: file " + i + " has size " + size);
                }
                n += 2 + nameLength + 8 + size;
                if (n > length - DIGEST_BYTES) {
                    throw new InvalidBackupException(backup + " is damaged: file " + i + " runs past its end");
                }
                // read, not skipped: skipping would bypass the digest
                if (ByteStreams.limit(in, size).transferTo(OutputStream.nullOutputStream()) != size) {
                    throw new EOFException();
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
            if (padded(n) != length - DIGEST_BYTES) {
                throw new InvalidBackupException(backup + " is damaged: its files end at byte " + n
                        + ", its digest starts at " + (length - DIGEST_BYTES));
            }
        } catch (EOFException e) {
            throw new InvalidBackupException(backup + " is damaged: it ends inside a file");
        }
        try (InputStream in = Files.newInputStream(backup)) {
            in.skipNBytes(length - DIGEST_BYTES);
            stored = in.readAllBytes();
        }
        byte[] actual = sha.digest();
        if (!MessageDigest.isEqual(stored, actual)) {
            throw new InvalidBackupException(backup + " is damaged: its SHA-256 digest does not match its contents");
        }
        return HexFormat.of().formatHex(actual);
    }

    private static String checkedName(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new InvalidBackupException("a Golt backup names only plain files, not '" + name + "'");
        }
        return name;
    }

    private static long padded(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static byte[] name(Path f) {
        return f.getFileName().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
