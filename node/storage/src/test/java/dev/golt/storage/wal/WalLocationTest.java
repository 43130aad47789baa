package dev.golt.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golt.storage.StorageException;
import org.junit.jupiter.api.Test;

/** The packing of an entry's segment and offset into one long, and its limits. */
class WalLocationTest {

    @Test
    void theLargestSegmentAndOffsetRoundTripIncludingTheSignBit() {
        long loc = WalLocation.encode(WalLocation.MAX_SEGMENT, WalLocation.MAX_OFFSET);
        assertThat(loc).isEqualTo(-1L);
        assertThat(WalLocation.segment(loc)).isEqualTo(67_108_863L);
        assertThat(WalLocation.offset(loc)).isEqualTo((256L << 30) - 1);
    }

    @Test
    void segmentAndOffsetKeepToTheirOwnBits() {
        long loc = WalLocation.encode(3, 12345);
        assertThat(WalLocation.segment(loc)).isEqualTo(3);
        assertThat(WalLocation.offset(loc)).isEqualTo(12345);
    }

    @Test
    void aSegmentNumberPastTheLimitIsRefusedRatherThanReadAsAnOlderSegment() {
        long past = WalLocation.MAX_SEGMENT + 1 + 5;
        // what the bare shift did: segment 2^26 + 5 came back as segment 5
        assertThat((past << WalLocation.OFFSET_BITS) >>> WalLocation.OFFSET_BITS).isEqualTo(5);
        assertThatThrownBy(() -> WalLocation.encode(past, 0))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("beyond the last usable one, 67108863");
    }

    @Test
    void anOffsetPastTheLimitIsRefusedRatherThanSpillingIntoTheSegmentBits() {
        assertThatThrownBy(() -> WalLocation.encode(1, WalLocation.MAX_OFFSET + 1))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("largest addressable offset");
    }

    @Test
    void segmentsLargerThanAnOffsetCanReachAreRefusedByTheOptions() {
        assertThat(WalOptions.defaults().withSegmentBytes(WalLocation.MAX_SEGMENT_BYTES).segmentBytes())
                .isEqualTo(256L << 30);
        assertThatThrownBy(() -> WalOptions.defaults().withSegmentBytes(WalLocation.MAX_SEGMENT_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most");
    }
}
