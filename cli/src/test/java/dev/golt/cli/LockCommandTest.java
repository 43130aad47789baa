// LockCommandTest: `golt lock NAME -- COMMAND` holds the lock through etcd's Lock service while the
// command runs, hands it the key and fencing token, and kills it when the lock is lost; real etcd.
package dev.golt.cli;

import static dev.golt.cli.EtcdCli.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.LeaseGrpc;
import dev.golt.etcd.api.LeaseRevokeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockCommandTest {

    private static EtcdCli e;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        e = new EtcdCli();
    }

    @AfterAll
    static void stop() {
        e.close();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (java.io.IOException missing) {
            return null;
        }
    }

    private static void revoke(long lease) {
        LeaseGrpc.newBlockingStub(e.etcd.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
    }

    @Test
    void lockRunsTheCommandWithTheLockKeyAndItsFencingTokenThenReleasesTheLock() {
        Path seen = dir.resolve("seen");
        var r = e.golt("lock", "job1", "--", "sh", "-c", "echo \"$GOLT_LOCK_KEY $GOLT_FENCING_TOKEN\" > " + seen);
        assertThat(r.code()).as(r.err()).isZero();
        String[] keyAndToken = read(seen).split(" ");
        assertThat(keyAndToken[0]).matches("job1/[0-9a-f]+");
        assertThat(Long.parseLong(keyAndToken[1])).isPositive();
        assertThat(e.etcd.under("job1/")).isEmpty();
    }

    @Test
    void lockExitsWithTheCommandsOwnExitStatus() {
        assertThat(e.golt("lock", "job2", "--", "sh", "-c", "exit 7").code()).isEqualTo(7);
        assertThat(e.etcd.under("job2/")).isEmpty();
    }

    @Test
    void aSecondLockerWaitsUntilTheFirstCommandEndsAndGetsALargerFencingToken() throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Path release = dir.resolve("release");
        var a = e.start("lock", "job3", "--", "sh", "-c",
                "echo $GOLT_FENCING_TOKEN > " + first + "; while [ ! -f " + release + " ]; do sleep 0.1; done");
        assertThat(eventually(10_000, () -> read(first) != null)).isTrue();
        var b = e.start("lock", "job3", "--", "sh", "-c", "echo $GOLT_FENCING_TOKEN > " + second);
        assertThat(eventually(5_000, () -> e.etcd.under("job3/").size() == 2)).isTrue();
        Thread.sleep(500);
        assertThat(read(second)).as("the second command ran while the first held the lock").isNull();

        Files.writeString(release, "go");
        assertThat(a.await(10_000).code()).isZero();
        assertThat(b.await(10_000).code()).isZero();
        assertThat(Long.parseLong(read(second))).isGreaterThan(Long.parseLong(read(first)));
    }

    @Test
    void aCommandWhoseLockIsLostIsKilledAndGoltExitsSix() throws Exception {
        Path pid = dir.resolve("pid");
        Path after = dir.resolve("after");
        var held = e.start("lock", "job4", "--ttl", "30", "--", "sh", "-c",
                "echo $$ > " + pid + "; sleep 60; echo survived > " + after);
        assertThat(eventually(10_000, () -> read(pid) != null)).isTrue();
        KeyValue key = e.etcd.under("job4/").get(0);

        long lostAt = System.nanoTime();
        revoke(key.getLease());
        var r = held.await(10_000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAt)).isLessThan(5_000);
        assertThat(r.code()).isEqualTo(ExitCodes.LOST);
        assertThat(r.err()).contains("lost while the command ran").contains("killed");
        assertThat(ProcessHandle.of(Long.parseLong(read(pid))).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(read(after)).isNull();
    }

    @Test
    void aCommandThatCannotBeStartedExits127AndReleasesTheLock() {
        var r = e.golt("lock", "job5", "--", dir.resolve("no-such-program").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.COMMAND_NOT_STARTED);
        assertThat(r.err()).contains("cannot run");
        assertThat(e.etcd.under("job5/")).isEmpty();
    }

    @Test
    void aLockerInterruptedWhileWaitingLeavesNoKeyBehind() throws Exception {
        Path running = dir.resolve("running");
        Path release = dir.resolve("release");
        var holder = e.start("lock", "job6", "--", "sh", "-c",
                "touch " + running + "; while [ ! -f " + release + " ]; do sleep 0.1; done");
        assertThat(eventually(10_000, () -> read(running) != null)).isTrue();
        var waiter = e.start("lock", "job6", "--", "true");
        assertThat(eventually(5_000, () -> e.etcd.under("job6/").size() == 2)).isTrue();

        assertThat(waiter.interrupt().code()).isEqualTo(LockCommand.INTERRUPTED);
        assertThat(eventually(5_000, () -> e.etcd.under("job6/").size() == 1)).isTrue();
        Files.writeString(release, "go");
        assertThat(holder.await(10_000).code()).isZero();
    }

    @Test
    void interruptingGoltWhileTheCommandRunsStopsTheCommandAndReleasesTheLock() throws Exception {
        Path pid = dir.resolve("pid");
        var held = e.start("lock", "job7", "--", "sh", "-c", "echo $$ > " + pid + "; exec sleep 60");
        assertThat(eventually(10_000, () -> read(pid) != null)).isTrue();
        var r = held.interrupt();
        assertThat(r.code()).isEqualTo(LockCommand.INTERRUPTED);
        assertThat(ProcessHandle.of(Long.parseLong(read(pid))).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(e.etcd.under("job7/")).isEmpty();
    }

    @Test
    void lockWithoutACommandPrintsTheKeyAndHoldsTheLockUntilInterrupted() throws Exception {
        var held = e.start("lock", "job8");
        assertThat(eventually(10_000, () -> held.out().startsWith("job8/"))).isTrue();
        assertThat(e.etcd.under("job8/")).hasSize(1);
        assertThat(held.interrupt().code()).isZero();
        assertThat(e.etcd.under("job8/")).isEmpty();
    }

    @Test
    void theLockIsKeptAliveWhileTheCommandRunsLongerThanItsTtl() {
        var r = e.golt("lock", "job9", "--ttl", "2", "--", "sh", "-c", "sleep 4");
        assertThat(r.code()).as(r.err()).isZero();
    }
}
