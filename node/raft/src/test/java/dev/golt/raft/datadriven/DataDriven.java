package dev.golt.raft.datadriven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs data-driven test files, the format etcd-io/raft takes from cockroachdb/datadriven: a file
 * is a list of blocks
 *
 * <pre>
 * command args...
 * ----
 * expected output (possibly empty)
 * </pre>
 *
 * separated by blank lines; lines starting with {@code #} are comments. Each file gets a fresh
 * runner, so state carries from block to block within a file but never across files. With
 * {@code -Dscenario.rewrite=true} the files are rewritten with the actual output instead of being
 * checked (then review the diff).
 */
public final class DataDriven {

    private DataDriven() {}

    /** One dynamic test per {@code .txt} file directly in {@code dir}, in name order. */
    public static Stream<DynamicTest> files(Path dir, Supplier<Function<String, String>> newRunner) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(files).as("data-driven files in " + dir).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f, newRunner.get())));
    }

    /** Executes every block of {@code file} with {@code runner} and compares (or rewrites) its output. */
    public static void run(Path file, Function<String, String> runner) throws IOException {
        boolean rewrite = Boolean.getBoolean("scenario.rewrite");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder rewritten = new StringBuilder();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.append(line).append('\n');
                i++;
                continue;
            }
            String command = line;
            int lineNo = i + 1;
            i++;
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalStateException(file + ":" + lineNo + ": expected ---- after " + command);
            }
            i++;
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                expected.add(lines.get(i));
                i++;
            }
            String actual = runner.apply(command.trim());
            rewritten.append(command).append("\n----\n").append(actual.isEmpty() ? "" : actual + "\n");
            if (!rewrite) {
                assertThat(actual).as(file.getFileName() + ":" + lineNo + " " + command).isEqualTo(String.join("\n", expected));
            }
        }
        if (rewrite) {
            Files.writeString(file, rewritten.toString(), StandardCharsets.UTF_8);
        }
    }
}
