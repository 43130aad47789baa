package dev.golt.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.Command;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Periodic auto-compaction with time, revisions and leadership as inputs. */
class AutoCompactorTest {

    private static final long SECOND = 1_000_000_000L;

    private long now;
    private long revision;
    private long compacted;
    private long term = 1;
    private final List<Long> proposed = new ArrayList<>();

    private AutoCompactor compactor(long retentionSeconds) {
        return new AutoCompactor(new AutoCompactor.Store() {
            public long revision() {
                return revision;
            }

            public long compactedRevision() {
                return compacted;
            }

            public long leaderTerm() {
                return term;
            }

            public void propose(byte[] command) {
                try {
                    proposed.add(Command.parseFrom(command).getCompaction().getRevision());
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }, () -> now, retentionSeconds);
    }

    @Test
    void theLeaderCompactsToTheRevisionItHadARetentionAgo() {
        AutoCompactor c = compactor(100);
        for (int s = 0; s <= 100; s++) {
            revision = 1000 + s * 10L;
            c.tick();
            now += SECOND;
        }
        // sampled every 10 s; at t=100 the sample of t=0 (revision 1000) is a retention old
        assertThat(proposed).containsExactly(1000L);
        compacted = 1000;
        for (int s = 0; s < 10; s++) {
            revision += 10;
            c.tick();
            now += SECOND;
        }
        assertThat(proposed).containsExactly(1000L, 1100L);
    }

    @Test
    void aFollowerAndANewLeaderWaitAWholeRetentionAndZeroMeansNever() {
        AutoCompactor c = compactor(10);
        term = -1;
        for (int s = 0; s < 30; s++) {
            revision++;
            c.tick();
            now += SECOND;
        }
        assertThat(proposed).isEmpty();
        term = 2;
        for (int s = 0; s < 10; s++) {
            c.tick();
            now += SECOND;
        }
        assertThat(proposed).isEmpty();
        c.tick();
        assertThat(proposed).hasSize(1);

        AutoCompactor off = compactor(0);
        for (int s = 0; s < 100; s++) {
            revision++;
            off.tick();
            now += 100 * SECOND;
        }
        assertThat(proposed).hasSize(1);
    }
}
