package dev.golt.storage.lsm;

import dev.golt.storage.FileNames;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.io.WritableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a sorted stream of entries into new SSTables of a store directory, the output side of a
 * flush or a compaction (leveldb's {@code BuildTable} and {@code DoCompactionWork} output loop).
 * Tables it writes are not live until a manifest edit names them; if that edit never lands, the
 * next open deletes them as unreferenced.
 */
final class TableWriter {

    private final Path dir;
    private final LsmOptions options;
    private final BlockCache cache;
    private final AtomicLong nextFile;

    TableWriter(Path dir, LsmOptions options, BlockCache cache, AtomicLong nextFile) {
        this.dir = dir;
        this.options = options;
        this.cache = cache;
        this.nextFile = nextFile;
    }

    /**
     * Writes the iterator's entries from its current position into new tables, starting a new one
     * whenever the current one reaches {@code cutBytes}, and returns them opened for reading.
     */
    List<FileMeta> write(KvIterator it, boolean dropTombstones, long cutBytes) throws IOException {
        List<FileMeta> outputs = new ArrayList<>();
        TableBuilder builder = null;
        WritableFile file = null;
        long number = 0;
        try {
            while (it.valid()) {
                byte[] value = it.value();
                if (value == null && dropTombstones) {
                    it.next();
                    continue;
                }
                if (builder == null) {
                    number = nextFile.getAndIncrement();
                    file = options.io().create(FileNames.table(dir, number));
                    builder = new TableBuilder(file, options.blockSize(), options.bloomBitsPerKey());
                }
                builder.add(it.key(), value);
                it.next();
                if (builder.fileSize() >= cutBytes) {
                    outputs.add(finish(builder, file, number));
                    builder = null;
                    file = null;
                }
            }
            if (builder != null) {
                outputs.add(finish(builder, file, number));
                file = null;
            }
        } finally {
            if (file != null) {
                file.close();
            }
        }
        return outputs;
    }

    private FileMeta finish(TableBuilder builder, WritableFile file, long number) throws IOException {
        builder.finish();
        if (options.fsync() == FsyncPolicy.ALWAYS) {
            file.sync();
        }
        long size = file.size();
        file.close();
        Table t = Table.open(FileNames.table(dir, number), number, cache);
        return new FileMeta(number, size, builder.entries(), builder.smallest(), builder.largest(), t);
    }
}
