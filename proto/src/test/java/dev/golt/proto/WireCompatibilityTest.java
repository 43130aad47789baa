package dev.golt.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * Field numbers are the wire contract between nodes of different versions during a rolling
 * upgrade: these bytes were produced by the first release and must keep decoding the same way.
 */
class WireCompatibilityTest {

    @Test
    void appendMessageRoundTripsAndKeepsItsFieldNumbers() throws Exception {
        Message msg = Message.newBuilder()
                .setType(MessageType.MSG_APP)
                .setFrom("a").setTo("b").setTerm(3).setLogTerm(2).setIndex(7).setCommit(6)
                .addEntries(Entry.newBuilder().setTerm(3).setIndex(8).setData(ByteString.copyFromUtf8("x")))
                .build();
        byte[] bytes = msg.toByteArray();
        assertThat(Message.parseFrom(bytes)).isEqualTo(msg);
        // type=1 (varint 1), from=2 "a", to=3 "b", term=4 3, log_term=5 2, index=6 7, entries=7 {...}, commit=8 6
        assertThat(bytes).startsWith(0x08, 0x01, 0x12, 0x01, 'a', 0x1a, 0x01, 'b', 0x20, 0x03, 0x28, 0x02, 0x30, 0x07, 0x3a);
    }

    @Test
    void commandOneofKeepsOnlyTheLastOperation() throws Exception {
        Command put = Command.newBuilder()
                .setPut(Put.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")))
                .build();
        Command parsed = Command.parseFrom(put.toByteArray());
        assertThat(parsed.getOpCase()).isEqualTo(Command.OpCase.PUT);
        assertThat(parsed.getPut().getKey().toStringUtf8()).isEqualTo("k");

        Command cas = Command.newBuilder(parsed)
                .setCas(CompareAndSet.newBuilder().setKey(ByteString.copyFromUtf8("k")).setHasExpected(false))
                .build();
        assertThat(cas.getOpCase()).isEqualTo(Command.OpCase.CAS);
        assertThat(cas.hasPut()).isFalse();
    }
}
