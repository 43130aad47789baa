package dev.golt.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load: each simulated client owns one keep-alive HTTP/1.1 connection and sends its
 * next request only when the previous one has answered. Latency is recorded into an HdrHistogram
 * {@link Recorder}. A cell either runs as one measured window after a warm-up that is thrown away
 * ({@link #run}) or is started and cut into intervals by the caller ({@link #start}, e.g. one per
 * second for the sustained benchmark); both drive the same loop.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final long REQUEST_TIMEOUT_MS = 10_000;
    /** Pause after a failed request so a refusing server is not hammered in a tight loop. */
    private static final long ERROR_BACKOFF_MS = 5;
    private static final long MAX_PRELOAD_FAILURES = 100;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
    private final byte[] value;

    public LoadGenerator(int valueBytes) {
        value = new byte[valueBytes];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < valueBytes; i++) {
            value[i] = (byte) ('a' + random.nextInt(26));
        }
    }

    /** Writes every key once (retrying failures) so that reads find a value. */
    public void preload(KvApi api, Endpoint endpoint, List<String> keys) {
        int clients = Math.min(10, keys.size());
        List<HttpClient> pool = connect(clients);
        AtomicLong next = new AtomicLong();
        LongAdder failures = new LongAdder();
        CountDownLatch done = new CountDownLatch(clients);
        for (HttpClient client : pool) {
            preloadNext(api, endpoint, keys, client, next, failures, done);
        }
        try {
            if (!done.await(120, TimeUnit.SECONDS) || failures.sum() >= MAX_PRELOAD_FAILURES) {
                throw new IllegalStateException(api.systemName() + ": preloading " + keys.size()
                        + " keys did not finish (" + failures.sum() + " failed requests)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.forEach(HttpClient::close);
        }
    }

    private void preloadNext(KvApi api, Endpoint endpoint, List<String> keys, HttpClient client, AtomicLong next,
                             LongAdder failures, CountDownLatch done) {
        long i = next.getAndIncrement();
        if (i >= keys.size()) {
            done.countDown();
            return;
        }
        putUntilOk(api, endpoint, client, keys.get((int) i), failures, done,
                () -> preloadNext(api, endpoint, keys, client, next, failures, done));
    }

    private void putUntilOk(KvApi api, Endpoint endpoint, HttpClient client, String key, LongAdder failures,
                            CountDownLatch done, Runnable then) {
        send(client, endpoint, api.put(key, value)).onComplete(ar -> {
            if (ar.succeeded() && ar.result().ok()) {
                then.run();
            } else if (failures.sum() >= MAX_PRELOAD_FAILURES) {
                done.countDown();
            } else {
                failures.increment();
                vertx.setTimer(50, t -> putUntilOk(api, endpoint, client, key, failures, done, then));
            }
        });
    }

    /**
     * Runs one cell: {@code clients} closed loops against {@code endpoint} for warm-up + measure.
     *
     * @param writeKeyPrefix fresh keys are {@code prefix + n}, unique across the whole run
     * @param readKeys preloaded keys that reads choose from uniformly
     * @param serverCpu total CPU seconds of the server processes so far
     */
    public Measurement run(KvApi api, Endpoint endpoint, Workload workload, int clients, Duration warmup,
                           Duration measure, String writeKeyPrefix, List<String> readKeys, DoubleSupplier serverCpu) {
        try (RunningCell cell = start(api, endpoint, workload, clients, writeKeyPrefix, readKeys)) {
            sleep(warmup);
            cell.interval();
            double cpu0 = serverCpu.getAsDouble();
            double gen0 = ProcStats.cpuSeconds(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            sleep(measure);
            Interval measured = cell.interval();
            long t1 = System.nanoTime();
            double cpu1 = serverCpu.getAsDouble();
            double gen1 = ProcStats.cpuSeconds(ProcessHandle.current().pid());
            return new Measurement(measured.latencyNanos(), measured.errors(), (t1 - t0) / 1e9, cpu1 - cpu0, gen1 - gen0);
        }
    }

    /**
     * Starts {@code clients} closed loops against {@code endpoint} and returns at once; the caller
     * cuts the load into intervals ({@link RunningCell#interval()}) and closes it to stop it.
     *
     * @param writeKeyPrefix fresh keys are {@code prefix + n}, unique across the whole run
     * @param readKeys preloaded keys that reads choose from uniformly (empty for write-only workloads)
     */
    public RunningCell start(KvApi api, Endpoint endpoint, Workload workload, int clients, String writeKeyPrefix,
                             List<String> readKeys) {
        Loop loop = new Loop(api, endpoint, workload, writeKeyPrefix, readKeys, new Recorder(3), new LongAdder(),
                new AtomicLong(), new CountDownLatch(clients));
        List<HttpClient> pool = connect(clients);
        pool.forEach(loop::next);
        return new RunningCell(loop, pool);
    }

    /** What completed in one interval of a running cell: latencies of the successful operations (ns) and the failed ones. */
    public record Interval(Histogram latencyNanos, long errors) {}

    /** A cell whose clients are running; {@link #close()} stops them. */
    public final class RunningCell implements AutoCloseable {
        private final Loop loop;
        private final List<HttpClient> pool;
        /** The error counter is never reset: a reset could drop an increment racing with it on an event loop. */
        private long errorsHandedOut;

        private RunningCell(Loop loop, List<HttpClient> pool) {
            this.loop = loop;
            this.pool = pool;
        }

        /**
         * Everything that completed since the previous call (or the start). A request counts in the
         * interval in which its answer arrived, so a stall shows as a thin interval followed by one
         * with a high maximum latency.
         */
        public synchronized Interval interval() {
            Histogram latencies = loop.recorder.getIntervalHistogram();
            long errors = loop.errors.sum();
            long inInterval = errors - errorsHandedOut;
            errorsHandedOut = errors;
            return new Interval(latencies, inInterval);
        }

        /** Stops the loops: every client finishes (or times out) its request in flight, then the connections close. */
        @Override
        public void close() {
            loop.running = false;
            try {
                loop.stopped.await(REQUEST_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool.forEach(HttpClient::close);
        }
    }

    private final class Loop {
        final KvApi api;
        final Endpoint endpoint;
        final Workload workload;
        final String writeKeyPrefix;
        final List<String> readKeys;
        final Recorder recorder;
        final LongAdder errors;
        final AtomicLong keySeq;
        final CountDownLatch stopped;
        volatile boolean running = true;

        Loop(KvApi api, Endpoint endpoint, Workload workload, String writeKeyPrefix, List<String> readKeys,
             Recorder recorder, LongAdder errors, AtomicLong keySeq, CountDownLatch stopped) {
            this.api = api;
            this.endpoint = endpoint;
            this.workload = workload;
            this.writeKeyPrefix = writeKeyPrefix;
            this.readKeys = readKeys;
            this.recorder = recorder;
            this.errors = errors;
            this.keySeq = keySeq;
            this.stopped = stopped;
        }

        void next(HttpClient client) {
            if (!running) {
                stopped.countDown();
                return;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            boolean read = random.nextDouble() < workload.readFraction();
            KvApi.Request request = read
                    ? api.get(readKeys.get(random.nextInt(readKeys.size())), workload.readMode())
                    : api.put(writeKeyPrefix + keySeq.getAndIncrement(), value);
            long start = System.nanoTime();
            send(client, endpoint, request).onComplete(ar -> {
                long latency = System.nanoTime() - start;
                boolean ok = ar.succeeded() && ar.result().ok() && (!read || api.readFoundValue(ar.result().body()));
                if (ok) {
                    recorder.recordValue(latency);
                    next(client);
                } else {
                    errors.increment();
                    vertx.setTimer(ERROR_BACKOFF_MS, t -> next(client));
                }
            });
        }
    }

    private record Answer(int status, Buffer body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private Future<Answer> send(HttpClient client, Endpoint endpoint, KvApi.Request request) {
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(endpoint.host())
                .setPort(endpoint.port())
                .setURI(request.uri())
                .setTimeout(REQUEST_TIMEOUT_MS);
        if (request.body() != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return client.request(options)
                .compose(req -> request.body() == null ? req.send() : req.send(request.body()))
                .compose(resp -> resp.body().map(body -> new Answer(statusOf(resp), body)));
    }

    private static int statusOf(HttpClientResponse resp) {
        return resp.statusCode();
    }

    /** One HTTP client per simulated client, each limited to a single keep-alive connection. */
    private List<HttpClient> connect(int clients) {
        List<HttpClient> pool = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            pool.add(vertx.createHttpClient(
                    new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true),
                    new PoolOptions().setHttp1MaxSize(1)));
        }
        return pool;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
