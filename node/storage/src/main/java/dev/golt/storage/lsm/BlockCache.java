package dev.golt.storage.lsm;

import java.util.LinkedHashMap;
import java.util.Map;

/** LRU cache of data blocks bounded by bytes, sharded to reduce lock contention between readers. */
final class BlockCache {
    private static final int SHARDS = 16;
    private final Shard[] shards = new Shard[SHARDS];

    BlockCache(long capacityBytes) {
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard(capacityBytes / SHARDS);
        }
    }

    static long key(long fileNumber, long offset) {
        return (fileNumber << 40) ^ offset;
    }

    Block get(long key) {
        return shard(key).get(key);
    }

    void put(long key, Block block) {
        shard(key).put(key, block);
    }

    long usedBytes() {
        long sum = 0;
        for (Shard s : shards) {
            synchronized (s) {
                sum += s.used;
            }
        }
        return sum;
    }

    private Shard shard(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return shards[(int) (h >>> 60)];
    }

    private static final class Shard {
        private final long capacity;
        private long used;
        private final LinkedHashMap<Long, Block> map = new LinkedHashMap<>(256, 0.75f, true);

        Shard(long capacity) {
            this.capacity = capacity;
        }

        synchronized Block get(long key) {
            return map.get(key);
        }

        synchronized void put(long key, Block block) {
            if (block.sizeInBytes() > capacity) {
                return;
            }
            Block old = map.put(key, block);
            if (old != null) {
                used -= old.sizeInBytes();
            }
            used += block.sizeInBytes();
            var it = map.entrySet().iterator();
            while (used > capacity && it.hasNext()) {
                Map.Entry<Long, Block> e = it.next();
                used -= e.getValue().sizeInBytes();
                it.remove();
            }
        }
    }
}
