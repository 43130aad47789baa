package dev.golt.raft.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Checks a history an etcd test wrote ({@link MvccHistory#write}) again, offline:
 * {@code -Dtest=ReplayMvccHistory -Dmvcc.history=path/to/history.tsv}.
 */
class ReplayMvccHistory {

    @Test
    @EnabledIfSystemProperty(named = "mvcc.history", matches = ".+")
    void theWrittenHistoryIsLinearizable() throws Exception {
        List<MvccOperation> ops = MvccHistory.read(Path.of(System.getProperty("mvcc.history")));
        long t0 = System.nanoTime();
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(ops, new MvccModel());
        System.out.printf("%d operations checked in %d ms%n", ops.size(), (System.nanoTime() - t0) / 1_000_000);
        assertThat(result.linearizable()).as("%s", result).isTrue();
    }
}
