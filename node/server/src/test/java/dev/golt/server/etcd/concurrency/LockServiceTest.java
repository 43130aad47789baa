// LockServiceTest: Golt's Lock service over a real etcd behaves as etcd's v3lock does: waiters
// queue by create revision, leases end holds, departed callers leave nothing behind.
package dev.golt.server.etcd.concurrency;

import static dev.golt.server.etcd.concurrency.EtcdFixture.bytes;
import static dev.golt.server.etcd.concurrency.EtcdFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.RequestOp;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.lock.LockRequest;
import dev.golt.etcd.api.lock.LockResponse;
import dev.golt.etcd.api.lock.UnlockRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockServiceTest {

    static EtcdFixture f;

    /** True where the same sentences are checked against etcd's own service. */
    boolean etcdsOwnServices() {
        return false;
    }

    @BeforeAll
    void start() throws Exception {
        f = new EtcdFixture(etcdsOwnServices());
    }

    @AfterAll
    void stop() throws Exception {
        if (f != null) {
            f.close();
            f = null;
        }
    }

    private static LockRequest lock(String name, long lease) {
        return LockRequest.newBuilder().setName(bytes(name)).setLease(lease).build();
    }

    private static LockResponse await(ListenableFuture<LockResponse> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static void assertStillWaiting(ListenableFuture<?> future) throws InterruptedException {
        Thread.sleep(500);
        assertThat(future).isNotDone();
    }

    @Test
    void theSecondLockerWaitsUntilTheFirstUnlocksThenGetsALargerRevision() throws Exception {
        long a = f.grant(30);
        long b = f.grant(30);
        LockResponse first = f.lock().lock(lock("serial", a));
        assertThat(first.getKey().toStringUtf8()).isEqualTo("serial/" + Long.toHexString(a));

        ListenableFuture<LockResponse> second = f.lockAsync().lock(lock("serial", b));
        assertStillWaiting(second);

        f.lock().unlock(UnlockRequest.newBuilder().setKey(first.getKey()).build());
        LockResponse got = await(second);
        assertThat(got.getKey().toStringUtf8()).isEqualTo("serial/" + Long.toHexString(b));
        assertThat(got.getHeader().getRevision()).isGreaterThan(first.getHeader().getRevision());
        List<KeyValue> held = f.waiters("serial");
        assertThat(held).extracting(KeyValue::getKey).containsExactly(got.getKey());
        assertThat(held.get(0).getCreateRevision()).isGreaterThan(first.getHeader().getRevision());
    }

    @Test
    void waitersGetTheLockInTheOrderTheyQueued() throws Exception {
        long holder = f.grant(30);
        LockResponse held = f.lock().lock(lock("fifo", holder));
        long[] leases = {f.grant(30), f.grant(30), f.grant(30)};
        List<ListenableFuture<LockResponse>> waiting = new java.util.ArrayList<>();
        for (long l : leases) {
            waiting.add(f.lockAsync().lock(lock("fifo", l)));
            assertThat(eventually(5_000, () -> f.waiters("fifo").size() == waiting.size() + 1)).isTrue();
        }
        f.lock().unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build());
        for (int i = 0; i < leases.length; i++) {
            LockResponse r = await(waiting.get(i));
            assertThat(r.getKey().toStringUtf8()).endsWith(Long.toHexString(leases[i]));
            for (int j = i + 1; j < leases.length; j++) {
                assertThat(waiting.get(j)).isNotDone();
            }
            f.lock().unlock(UnlockRequest.newBuilder().setKey(r.getKey()).build());
        }
    }

    @Test
    void aHolderWhoseLeaseIsRevokedLosesTheLockAndTheWaiterGetsIt() throws Exception {
        long a = f.grant(30);
        long b = f.grant(30);
        LockResponse first = f.lock().lock(lock("revoked", a));
        ListenableFuture<LockResponse> second = f.lockAsync().lock(lock("revoked", b));
        assertStillWaiting(second);

        f.revoke(a);
        LockResponse got = await(second);
        assertThat(got.getKey().toStringUtf8()).isEqualTo("revoked/" + Long.toHexString(b));
        assertThat(f.waiters("revoked")).extracting(KeyValue::getKey).doesNotContain(first.getKey());
    }

    @Test
    void theLockKeysRevisionFencesOffAWriteOfTheHolderItSuperseded() throws Exception {
        long a = f.grant(30);
        LockResponse first = f.lock().lock(lock("fence", a));
        long firstToken = f.waiters("fence").get(0).getCreateRevision();
        f.revoke(a);
        long b = f.grant(30);
        f.lock().lock(lock("fence", b));
        long secondToken = f.waiters("fence").get(0).getCreateRevision();
        assertThat(secondToken).isGreaterThan(firstToken);

        // The superseded holder guards its write with its own key's revision: the write does not happen.
        TxnRequest guarded = TxnRequest.newBuilder()
                .addCompare(Requests.createRevisionIs(first.getKey(), firstToken))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(bytes("fenced-data")).setValue(bytes("stale"))))
                .build();
        assertThat(f.kv().txn(guarded).getSucceeded()).isFalse();
    }

    @Test
    void aCancelledWaiterLeavesNoKeyBehind() throws Exception {
        long a = f.grant(30);
        long b = f.grant(30);
        LockResponse first = f.lock().lock(lock("cancelled", a));
        ListenableFuture<LockResponse> second = f.lockAsync().lock(lock("cancelled", b));
        assertThat(eventually(5_000, () -> f.waiters("cancelled").size() == 2)).isTrue();

        second.cancel(true);
        assertThat(eventually(5_000, () -> f.waiters("cancelled").size() == 1)).isTrue();
        assertThat(f.waiters("cancelled")).extracting(KeyValue::getKey).containsExactly(first.getKey());
    }

    @Test
    void aWaiterWhoseDeadlinePassesLeavesNoKeyBehind() throws Exception {
        long a = f.grant(30);
        long b = f.grant(30);
        LockResponse first = f.lock().lock(lock("deadline", a));
        // Which status arrives first, the client's own DEADLINE_EXCEEDED or the server's, is a race.
        assertThatThrownBy(() -> f.lock().withDeadlineAfter(500, TimeUnit.MILLISECONDS).lock(lock("deadline", b)))
                .isInstanceOf(StatusRuntimeException.class);
        assertThat(eventually(5_000, () -> f.waiters("deadline").size() == 1)).isTrue();
        assertThat(f.waiters("deadline")).extracting(KeyValue::getKey).containsExactly(first.getKey());
    }

    @Test
    void aWaiterWhoseLeaseExpiresWhileWaitingFailsWithSessionExpiredWhenItsTurnComes() throws Exception {
        long a = f.grant(30);
        long shortLived = f.grant(2);
        LockResponse first = f.lock().lock(lock("expired", a));
        ListenableFuture<LockResponse> second = f.lockAsync().lock(lock("expired", shortLived));
        assertThat(eventually(5_000, () -> f.waiters("expired").size() == 2)).isTrue();
        assertThat(eventually(10_000, () -> f.waiters("expired").size() == 1)).as("the waiter's lease expired").isTrue();
        assertThat(second).isNotDone();

        f.lock().unlock(UnlockRequest.newBuilder().setKey(first.getKey()).build());
        assertThatThrownBy(() -> await(second)).isInstanceOfSatisfying(ExecutionException.class, e -> {
            Status s = Status.fromThrowable(e.getCause());
            assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
            assertThat(s.getDescription()).isEqualTo("mutex: session is expired");
        });
        assertThat(f.waiters("expired")).isEmpty();
    }

    @Test
    void lockingAgainWithTheLeaseThatHoldsTheLockReturnsTheSameKeyAtOnce() throws Exception {
        long a = f.grant(30);
        LockResponse first = f.lock().lock(lock("reentrant", a));
        LockResponse again = f.lock().lock(lock("reentrant", a));
        assertThat(again.getKey()).isEqualTo(first.getKey());
        assertThat(f.waiters("reentrant")).hasSize(1);
    }

    @Test
    void aLockWithoutALeaseIsHeldWithASixtySecondLeaseOfItsOwn() throws Exception {
        LockResponse r = f.lock().lock(lock("no-lease", 0));
        KeyValue kv = f.waiters("no-lease").get(0);
        assertThat(kv.getKey()).isEqualTo(r.getKey());
        assertThat(kv.getLease()).isNotZero();
        long granted = f.lease().leaseTimeToLive(dev.golt.etcd.api.LeaseTimeToLiveRequest.newBuilder()
                .setID(kv.getLease()).build()).getGrantedTTL();
        assertThat(granted).isEqualTo(SessionLease.DEFAULT_TTL_SECONDS);
        f.revoke(kv.getLease());
    }

    @Test
    void aLockWithALeaseThatDoesNotExistFailsAsEtcdDoes() {
        assertThatThrownBy(() -> f.lock().lock(lock("ghost", 0x7ead))).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
            assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: requested lease not found");
        });
        assertThat(f.waiters("ghost")).isEmpty();
    }

    @Test
    void unlockingAKeyThatIsAlreadyGoneSucceeds() {
        assertThat(f.lock().unlock(UnlockRequest.newBuilder().setKey(bytes("gone/1")).build()).getHeader().getRevision())
                .isPositive();
    }

    @Test
    void unlockAnswersWithTheDeletesHeader() {
        long a = f.grant(30);
        LockResponse held = f.lock().lock(lock("unlock", a));
        long revision = f.lock().unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build()).getHeader().getRevision();
        assertThat(revision).isGreaterThan(held.getHeader().getRevision());
        assertThat(f.waiters("unlock")).isEmpty();
    }

    @Test
    void aLockerWhoseClientHasGoneByTheTimeItWouldHoldTheLockLeavesNoKey() throws Exception {
        // Many waiters cancelled at once while the holder lets go: none of them may stay queued.
        long holder = f.grant(30);
        LockResponse held = f.lock().lock(lock("stampede", holder));
        List<ListenableFuture<LockResponse>> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(f.lockAsync().lock(lock("stampede", f.grant(30))));
        }
        assertThat(eventually(5_000, () -> f.waiters("stampede").size() == 11)).isTrue();
        f.lock().unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build());
        waiting.forEach(w -> w.cancel(true));
        // Whoever got the lock before its cancel arrived still holds it, with a response nobody read.
        assertThat(eventually(5_000, () -> f.waiters("stampede").size() <= 1)).isTrue();
        Thread.sleep(300);
        assertThat(f.waiters("stampede").size()).isLessThanOrEqualTo(1);
        for (ListenableFuture<LockResponse> w : waiting) {
            assertThat(w).isDone();
        }
        if (!f.waiters("stampede").isEmpty()) {
            f.kv().deleteRange(dev.golt.etcd.api.DeleteRangeRequest.newBuilder().setKey(f.waiters("stampede").get(0).getKey()).build());
        }
    }
}
