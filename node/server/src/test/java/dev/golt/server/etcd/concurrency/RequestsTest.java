// RequestsTest: the waiter keys and ranges are the ones etcd's concurrency package makes.
package dev.golt.server.etcd.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.RangeRequest;
import org.junit.jupiter.api.Test;

class RequestsTest {

    @Test
    void aWaiterKeyIsThePrefixAndTheLeaseInLowerCaseHexAsGoPrintsIt() {
        ByteString prefix = Requests.prefixOf(ByteString.copyFromUtf8("job"));
        assertThat(Requests.leaseKey(prefix, 0x694d77aa9e2ce2c5L).toStringUtf8()).isEqualTo("job/694d77aa9e2ce2c5");
        assertThat(Requests.leaseKey(prefix, 10).toStringUtf8()).isEqualTo("job/a");
        assertThat(Requests.leaseKey(prefix, -255).toStringUtf8()).isEqualTo("job/-ff");
    }

    @Test
    void thePrefixEndIncrementsTheLastByteThatCanBeIncremented() {
        assertThat(Requests.prefixEnd(ByteString.copyFromUtf8("a/")).toStringUtf8()).isEqualTo("a0");
        assertThat(Requests.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff}))).isEqualTo(ByteString.copyFromUtf8("b"));
        assertThat(Requests.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff})))
                .isEqualTo(ByteString.copyFrom(new byte[] {0}));
    }

    @Test
    void theOwnerIsTheOldestKeyAndThePredecessorTheNewestOlderOne() {
        ByteString prefix = ByteString.copyFromUtf8("job/");
        RangeRequest owner = Requests.firstCreate(prefix);
        assertThat(owner.getSortTarget()).isEqualTo(RangeRequest.SortTarget.CREATE);
        assertThat(owner.getSortOrder()).isEqualTo(RangeRequest.SortOrder.ASCEND);
        assertThat(owner.getLimit()).isEqualTo(1);
        assertThat(owner.getRangeEnd().toStringUtf8()).isEqualTo("job0");
        RangeRequest predecessor = Requests.lastCreate(prefix, 41);
        assertThat(predecessor.getSortOrder()).isEqualTo(RangeRequest.SortOrder.DESCEND);
        assertThat(predecessor.getMaxCreateRevision()).isEqualTo(41);
        assertThat(predecessor.getLimit()).isEqualTo(1);
    }
}
