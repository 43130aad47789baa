package dev.golt.raft.quorum;

import dev.golt.raft.datadriven.DataDriven;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Majority arithmetic, data-driven (after etcd-io/raft's quorum/testdata): the files under
 * {@code src/test/resources/testdata/quorum} hold cases and their printed results, run by
 * {@link DataDriven}.
 *
 * <p>Commands: {@code quorum cfg=(a,b,c)} prints the quorum size; {@code committed cfg=(a,b,c)
 * idx=(100,_,99)} prints the committed index, where the i-th index is the i-th voter's and
 * {@code _} means nothing is known of that voter; {@code vote cfg=(a,b,c) votes=(y,n,_)} prints
 * won, lost or pending; {@code is-quorum cfg=(a,b,c) ids=(a,x)} prints whether the voters among ids
 * are a majority.
 */
class MajorityTest {

    @TestFactory
    Stream<DynamicTest> majorityCasesPrintTheirExpectedResults() {
        return DataDriven.files(Path.of("src/test/resources/testdata/quorum"), () -> MajorityTest::exec);
    }

    private static String exec(String line) {
        Map<String, List<String>> args = args(line);
        List<String> cfg = args.get("cfg");
        Majority m = Majority.of(new LinkedHashSet<>(cfg));
        return switch (line.split("\\s+")[0]) {
            case "quorum" -> Integer.toString(m.quorum());
            case "committed" -> {
                Map<String, Long> acked = zip(cfg, args.get("idx"), s -> Long.parseLong(s));
                yield Long.toString(m.committedIndex(v -> acked.getOrDefault(v, 0L)));
            }
            case "vote" -> {
                Map<String, Boolean> votes = zip(cfg, args.get("votes"), s -> switch (s) {
                    case "y" -> true;
                    case "n" -> false;
                    default -> throw new IllegalArgumentException("vote " + s + " is not y, n or _");
                });
                yield m.voteResult(votes::get).name().toLowerCase();
            }
            case "is-quorum" -> Boolean.toString(m.isQuorum(Set.copyOf(args.get("ids"))));
            default -> throw new IllegalArgumentException("unknown command " + line);
        };
    }

    /** Pairs the i-th voter with the i-th value; {@code _} leaves the voter out. */
    private static <T> Map<String, T> zip(List<String> cfg, List<String> values, java.util.function.Function<String, T> parse) {
        if (values.size() != cfg.size()) {
            throw new IllegalArgumentException(values + " does not give one value per voter of " + cfg);
        }
        Map<String, T> out = new HashMap<>();
        for (int i = 0; i < cfg.size(); i++) {
            if (!values.get(i).equals("_")) {
                out.put(cfg.get(i), parse.apply(values.get(i)));
            }
        }
        return out;
    }

    /** {@code key=(a,b)} arguments as lists; {@code key=()} is an empty list. */
    private static Map<String, List<String>> args(String line) {
        Map<String, List<String>> out = new HashMap<>();
        for (String word : line.split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String inner = word.substring(eq + 1).replaceAll("^\\(|\\)$", "");
            out.put(word.substring(0, eq), inner.isEmpty() ? List.of() : List.of(inner.split(",")));
        }
        return out;
    }
}
