// TxnParserTest: txn lines are read as etcdctl reads them: Go-quoted strings, argify's splitting,
// the compare targets and operators, and the request flags.
package dev.golt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.Compare;
import dev.golt.etcd.api.RequestOp;
import org.junit.jupiter.api.Test;

class TxnParserTest {

    @Test
    void goQuotedStringsTakeGoEscapesAndRawStringsTakeNone() {
        assertThat(GoStrings.unquote("\"a\\tb\\x00\\101\\u00e9\"").toByteArray())
                .isEqualTo(new byte[] {'a', '\t', 'b', 0, 'A', (byte) 0xc3, (byte) 0xa9});
        assertThat(GoStrings.unquote("`a\\tb`").toStringUtf8()).isEqualTo("a\\tb");
    }

    @Test
    void argifySplitsOnSpacesButKeepsQuotedStringsWhole() {
        assertThat(GoStrings.argify("put k \"two words\" 'single one' --lease=1f"))
                .extracting(ByteString::toStringUtf8).containsExactly("put", "k", "two words", "single one", "--lease=1f");
    }

    @Test
    void eachCompareTargetAndOperatorIsUnderstood() {
        Compare mod = TxnParser.compare("mod(\"k\") > \"5\"");
        assertThat(mod.getTarget()).isEqualTo(Compare.CompareTarget.MOD);
        assertThat(mod.getResult()).isEqualTo(Compare.CompareResult.GREATER);
        assertThat(mod.getModRevision()).isEqualTo(5);
        assertThat(TxnParser.compare("ver(\"k\") != \"0\"").getResult()).isEqualTo(Compare.CompareResult.NOT_EQUAL);
        assertThat(TxnParser.compare("c(\"k\") < \"9\"").getCreateRevision()).isEqualTo(9);
        assertThat(TxnParser.compare("val(\"k\") = \"v w\"").getValue().toStringUtf8()).isEqualTo("v w");
        Compare lease = TxnParser.compare("lease(\"k\") = \"694d77aa9e2ce2c5\"");
        assertThat(lease.getTarget()).isEqualTo(Compare.CompareTarget.LEASE);
        assertThat(lease.getLease()).isEqualTo(0x694d77aa9e2ce2c5L);
    }

    @Test
    void aCompareWithAnUnknownTargetOrOperatorOrAnUnquotedValueIsRefused() {
        assertThatThrownBy(() -> TxnParser.compare("size(\"k\") = \"1\"")).hasMessageContaining("unknown target size");
        assertThatThrownBy(() -> TxnParser.compare("mod(\"k\") >= \"1\"")).hasMessageContaining("unknown operator >=");
        assertThatThrownBy(() -> TxnParser.compare("mod(\"k\") > 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxnParser.compare("mod(\"k\") > \"x\"")).hasMessageContaining("not a number");
    }

    @Test
    void requestsTakeEtcdctlsFlags() {
        RequestOp put = TxnParser.request("put k v --lease=1f --prev-kv");
        assertThat(put.getRequestPut().getLease()).isEqualTo(0x1f);
        assertThat(put.getRequestPut().getPrevKv()).isTrue();
        RequestOp get = TxnParser.request("get a/ --prefix --limit 2 --rev=7");
        assertThat(get.getRequestRange().getRangeEnd().toStringUtf8()).isEqualTo("a0");
        assertThat(get.getRequestRange().getLimit()).isEqualTo(2);
        assertThat(get.getRequestRange().getRevision()).isEqualTo(7);
        RequestOp del = TxnParser.request("del a z");
        assertThat(del.getRequestDeleteRange().getRangeEnd().toStringUtf8()).isEqualTo("z");
        RequestOp all = TxnParser.request("get \"\" --from-key");
        assertThat(all.getRequestRange().getKey().toByteArray()).isEqualTo(new byte[] {0});
    }

    @Test
    void aRequestWithAnUnknownFlagOrMissingArgumentIsRefused() {
        assertThatThrownBy(() -> TxnParser.request("put k v --sync")).hasMessageContaining("unknown flag --sync");
        assertThatThrownBy(() -> TxnParser.request("put k")).hasMessageContaining("KEY and VALUE");
        assertThatThrownBy(() -> TxnParser.request("get")).hasMessageContaining("invalid txn request");
    }
}
