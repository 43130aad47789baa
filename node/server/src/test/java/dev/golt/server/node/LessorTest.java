package dev.golt.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.golt.proto.Command;
import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.lsm.LsmOptions;
import dev.golt.storage.lsm.LsmStore;
import dev.golt.storage.mvcc.MvccStore;
import dev.golt.storage.mvcc.MvccWrite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader-side lease clock with time and leadership as inputs: expiry only by a leader and only
 * through a proposed revoke, the election-timeout extension on promotion, renewals refused to a
 * member that no longer leads (a paused old leader), nothing kept by a follower.
 */
class LessorTest {

    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private LsmStore lsm;
    private MvccStore store;
    private long now;
    private long term = -1;
    private final List<Long> revoked = new ArrayList<>();
    private Lessor lessor;

    @BeforeEach
    void open() {
        lsm = LsmStore.open(dir, LsmOptions.defaults().withFsync(FsyncPolicy.NEVER));
        store = new MvccStore(lsm);
        lessor = new Lessor(() -> store, new Lessor.Leadership() {
            public long leaderTerm() {
                return term;
            }

            public void propose(byte[] command) {
                try {
                    revoked.add(Command.parseFrom(command).getLeaseRevoke().getId());
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }, () -> now, 1_000);
    }

    @AfterEach
    void close() {
        lsm.close();
    }

    private void grant(long id, long ttl) {
        MvccWrite w = store.write();
        w.grantLease(id, ttl);
        w.commit(id);
        lessor.leaseGranted(id, ttl);
    }

    @Test
    void aFollowerNeverExpiresALease() {
        grant(7, 2);
        now += 100 * SECOND;
        lessor.tick();
        assertThat(revoked).isEmpty();
        assertThat(lessor.renew(7, 1)).isEqualTo(-1);
    }

    @Test
    void aNewLeaderGivesEveryLeaseItsFullTtlPlusAnElectionTimeoutThenRevokesThroughTheLog() {
        grant(7, 2);
        now += 50 * SECOND; // long after the old leader last renewed it
        term = 3;
        lessor.tick();
        assertThat(lessor.remaining(7)).isEqualTo(3); // 2 s + 1 s extension, rounded up
        now += 2 * SECOND + SECOND / 2;
        lessor.tick();
        assertThat(revoked).isEmpty();
        now += SECOND;
        lessor.tick();
        assertThat(revoked).containsExactly(7L);
        lessor.tick();
        assertThat(revoked).as("proposed once, retried only later").containsExactly(7L);
        now += 2 * SECOND;
        lessor.tick();
        assertThat(revoked).containsExactly(7L, 7L);
    }

    @Test
    void aRenewalRestartsTheTtlOnlyForTheTermThatConfirmedLeadership() {
        grant(7, 2);
        term = 3;
        lessor.tick();
        now += 2 * SECOND;
        assertThat(lessor.renew(7, 3)).isEqualTo(2);
        assertThat(lessor.remaining(7)).isEqualTo(2);
        // Deposed while the barrier ran (a pause, a partition): the renewal must not count.
        term = -1;
        assertThat(lessor.renew(7, 3)).isEqualTo(-1);
        lessor.tick();
        assertThat(lessor.remaining(7)).as("a follower keeps no deadlines").isEqualTo(-1);
        term = 5;
        assertThat(lessor.renew(7, 3)).as("a renewal confirmed in an older term").isEqualTo(-1);
    }

    @Test
    void aRevokedLeaseIsForgottenAndAnUnknownOneCannotBeRenewed() {
        grant(7, 2);
        term = 3;
        lessor.tick();
        lessor.leaseRevoked(7);
        now += 10 * SECOND;
        lessor.tick();
        assertThat(revoked).isEmpty();
        assertThat(lessor.renew(99, 3)).isEqualTo(-1);
    }
}
