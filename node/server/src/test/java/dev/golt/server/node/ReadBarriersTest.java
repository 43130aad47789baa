package dev.golt.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.raft.RaftNode;
import dev.golt.raft.ReadState;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Read barriers against a core that only records its ReadIndex requests: reads of one round share
 * one request, coalesced reads (lease renewals) wait for the heartbeat flush or ride along with the
 * next ordinary round, and every barrier is answered only once its index is applied.
 */
class ReadBarriersTest {

    private final List<byte[]> requests = new ArrayList<>();
    private long applied;
    private final RaftNode core = (RaftNode) Proxy.newProxyInstance(RaftNode.class.getClassLoader(),
            new Class<?>[] {RaftNode.class}, (proxy, method, args) -> {
                if (!method.getName().equals("readIndex")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                requests.add((byte[]) args[0]);
                return null;
            });
    private final ReadBarriers reads = new ReadBarriers("n1", core, () -> applied);

    private List<CompletableFuture<Long>> coalesced(int n) {
        List<CompletableFuture<Long>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            reads.addCoalesced(f);
            out.add(f);
        }
        return out;
    }

    @Test
    void coalescedReadsWaitForTheHeartbeatFlushAndThenShareOneRequest() {
        List<CompletableFuture<Long>> renewals = coalesced(1000);
        reads.flush();
        assertThat(requests).as("a loop round with no ordinary read starts nothing for them").isEmpty();

        reads.flushCoalesced();
        assertThat(requests).hasSize(1);
        reads.flushCoalesced();
        assertThat(requests).as("nothing left to flush").hasSize(1);

        applied = 6;
        reads.confirmed(List.of(new ReadState(7, requests.get(0))));
        assertThat(renewals).noneMatch(CompletableFuture::isDone);
        applied = 7;
        reads.releaseApplied();
        assertThat(renewals).allMatch(f -> f.join() == 7);
    }

    @Test
    void coalescedReadsRideAlongWithTheNextOrdinaryRound() {
        List<CompletableFuture<Long>> renewals = coalesced(3);
        CompletableFuture<Long> read = new CompletableFuture<>();
        reads.add(read);
        reads.flush();
        assertThat(requests).hasSize(1);
        reads.flushCoalesced();
        assertThat(requests).as("they went with the ordinary read").hasSize(1);

        applied = 9;
        reads.confirmed(List.of(new ReadState(9, requests.get(0))));
        assertThat(read.join()).isEqualTo(9);
        assertThat(renewals).allMatch(f -> f.join() == 9);
    }

    @Test
    void aLeaderChangeFailsCoalescedReadsStillWaitingForTheirRound() {
        List<CompletableFuture<Long>> renewals = coalesced(2);
        reads.failUnconfirmed(NodeException.unavailable("leader changed"));
        assertThat(renewals).allMatch(CompletableFuture::isCompletedExceptionally);
        reads.flushCoalesced();
        assertThat(requests).isEmpty();
    }
}
