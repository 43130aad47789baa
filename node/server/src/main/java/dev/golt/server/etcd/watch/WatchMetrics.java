package dev.golt.server.etcd.watch;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The watch hub's meters ({@code golt_watch_*}), read from {@link WatchHub#stats()} at scrape time. */
public final class WatchMetrics {

    private WatchMetrics() {}

    public static void register(MeterRegistry registry, WatchHub hub) {
        Gauge.builder("golt.watch.streams", hub, h -> h.stats().streams()).description("open watch streams").register(registry);
        Gauge.builder("golt.watch.watchers", hub, h -> h.stats().watchers()).description("watches open on this member")
                .register(registry);
        Gauge.builder("golt.watch.unsynced.watchers", hub, h -> h.stats().unsyncedWatchers())
                .description("watchers catching up from history (replaying, or behind a slow client)").register(registry);
        Gauge.builder("golt.watch.queued.bytes", hub, h -> h.stats().queuedBytes()).baseUnit("bytes")
                .description("events queued for clients, all streams").register(registry);
        FunctionCounter.builder("golt.watch.fell.behind", hub, h -> h.stats().fellBehind())
                .description("times a watcher's client was too slow and it fell back to history").register(registry);
        FunctionCounter.builder("golt.watch.compacted.away", hub, h -> h.stats().compactedAway())
                .description("watchers canceled because the history they needed was compacted").register(registry);
    }
}
