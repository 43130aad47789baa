package dev.golt.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcd's own load generator, {@code benchmark} (go.etcd.io/etcd/v3/tools/benchmark, built from the
 * Go module proxy by {@code compat/build-etcd-benchmark.sh}), run as a child process per cell. Its
 * stdout holds the summaries ({@link ToolSummary}); its stderr the progress bar and gRPC logs, which
 * are watched so that a cell that stops making progress (a watch that never delivers) is ended
 * instead of waited for.
 */
public final class EtcdBenchmarkTool {

    /** The progress bar ({@code cheggaaa/pb}): "123 / 1000 [---->___] 12.30% 456 p/s", redrawn after \r. */
    private static final Pattern PROGRESS = Pattern.compile("(\\d+) / (\\d+) \\[");

    private final Path binary;
    private final ProcessSupervisor supervisor;

    /** One run of the tool. {@code error} is null when it exited 0 with a summary. */
    public record Run(List<String> command, int exitCode, double wallSeconds, List<ToolSummary> summaries,
                      String error, String stdout) {
    }

    public EtcdBenchmarkTool(Path binary, ProcessSupervisor supervisor) {
        this.binary = binary.toAbsolutePath();
        this.supervisor = supervisor;
    }

    public Path binary() {
        return binary;
    }

    /** The tool's version: what compat/build-etcd-benchmark.sh recorded next to the binary. */
    public String version() {
        try {
            Path v = binary.resolveSibling("benchmark.version");
            return "etcd benchmark " + (Files.isRegularFile(v) ? Files.readString(v).trim() : "(version unknown)");
        } catch (IOException e) {
            return "etcd benchmark (version unknown)";
        }
    }

    /**
     * Runs the tool with {@code args}; its output goes to {@code logPrefix}.out and .err. Stopped
     * (SIGTERM, then SIGKILL) after {@code timeout}, or once its progress has not moved for
     * {@code stall}; a failure is described in {@link Run#error()}, never thrown.
     */
    public Run run(List<String> args, Duration timeout, Duration stall, Path logPrefix) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        Path out = Path.of(logPrefix + ".out");
        Path err = Path.of(logPrefix + ".err");
        long start = System.nanoTime();
        Process p = supervisor.start(command, out, err);
        String stopped = null;
        long lastCount = -1;
        long lastMove = System.nanoTime();
        try {
            while (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                String progress = lastProgress(err);
                long count = progress == null ? -1 : Long.parseLong(progress.substring(0, progress.indexOf(' ')));
                if (count != lastCount) {
                    lastCount = count;
                    lastMove = now;
                }
                if (now - start > timeout.toNanos()) {
                    stopped = "timed out after " + timeout.toSeconds() + " s" + (progress == null ? "" : " at " + progress);
                } else if (!stall.isZero() && now - lastMove > stall.toNanos()) {
                    stopped = "stalled: no progress for " + stall.toSeconds() + " s"
                            + (progress == null ? "" : " at " + progress);
                }
                if (stopped != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = "interrupted";
        }
        supervisor.stop(List.of(p)); // SIGTERM (then SIGKILL) if still running; forgets it either way
        double wall = (System.nanoTime() - start) / 1e9;
        int code = p.isAlive() ? -1 : p.exitValue();
        String stdout = read(out);
        List<ToolSummary> summaries = ToolSummary.parse(stdout);
        String error = stopped;
        if (error == null && code != 0) {
            error = "exit code " + code + lastWords(err).map(w -> ": " + w).orElse("");
        }
        if (error == null && summaries.isEmpty()) {
            error = "no summary in the tool's output" + lastWords(err).map(w -> ": " + w).orElse("");
        }
        if (error == null && summaries.stream().noneMatch(ToolSummary::succeeded)) {
            error = "every request failed: " + summaries.getFirst().errors().keySet().stream().findFirst().orElse("?");
        }
        return new Run(command, code, wall, summaries, error, stdout);
    }

    /** The last "n / total" of the progress bar in the stderr file, or null. */
    static String lastProgress(Path err) {
        String tail = tail(err, 4096);
        Matcher m = PROGRESS.matcher(tail);
        String last = null;
        while (m.find()) {
            last = m.group(1) + " / " + m.group(2);
        }
        return last;
    }

    /** The last stderr line that is neither progress bar nor gRPC's INFO chatter. */
    static java.util.Optional<String> lastWords(Path err) {
        String text = tail(err, 64 * 1024);
        String found = null;
        for (String segment : text.split("[\r\n]+")) {
            String s = segment.trim();
            if (s.isEmpty() || PROGRESS.matcher(s).find() || s.matches("^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d INFO: .*")
                    || s.startsWith("\"") || s.matches("^[{}\\[\\],]+$")) {
                continue;
            }
            found = s;
        }
        if (found != null && found.length() > 300) {
            found = found.substring(0, 300) + "...";
        }
        return java.util.Optional.ofNullable(found);
    }

    private static String tail(Path file, int bytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - bytes);
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
