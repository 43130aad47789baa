// EtcdPrinter: prints etcd v3 answers as etcdctl's default "simple" output does
// (etcdctl/ctlv3/command/printer_simple.go), so scripts written for etcdctl read golt's output.
package dev.golt.cli;

import dev.golt.etcd.api.DeleteRangeResponse;
import dev.golt.etcd.api.Event;
import dev.golt.etcd.api.KeyValue;
import dev.golt.etcd.api.PutResponse;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.ResponseOp;
import dev.golt.etcd.api.TxnResponse;
import dev.golt.etcd.api.WatchResponse;
import java.io.PrintWriter;

final class EtcdPrinter {

    private final PrintWriter out;

    EtcdPrinter(PrintWriter out) {
        this.out = out;
    }

    /** The key, then the value, each on its own line. */
    void kv(KeyValue kv) {
        out.println(kv.getKey().toStringUtf8());
        out.println(kv.getValue().toStringUtf8());
    }

    void range(RangeResponse r) {
        r.getKvsList().forEach(this::kv);
    }

    void put(PutResponse r) {
        out.println("OK");
        if (r.hasPrevKv()) {
            kv(r.getPrevKv());
        }
    }

    void delete(DeleteRangeResponse r) {
        out.println(r.getDeleted());
        r.getPrevKvsList().forEach(this::kv);
    }

    /** SUCCESS or FAILURE, then each response after a blank line. */
    void txn(TxnResponse r) {
        out.println(r.getSucceeded() ? "SUCCESS" : "FAILURE");
        for (ResponseOp op : r.getResponsesList()) {
            out.println();
            switch (op.getResponseCase()) {
                case RESPONSE_PUT -> put(op.getResponsePut());
                case RESPONSE_RANGE -> range(op.getResponseRange());
                case RESPONSE_DELETE_RANGE -> delete(op.getResponseDeleteRange());
                case RESPONSE_TXN -> txn(op.getResponseTxn());
                default -> out.println("unexpected response " + op);
            }
        }
    }

    /** Each event: its type (PUT or DELETE), the previous key-value if asked for, the key-value. */
    void watch(WatchResponse r) {
        for (Event e : r.getEventsList()) {
            out.println(e.getType());
            if (e.hasPrevKv()) {
                kv(e.getPrevKv());
            }
            kv(e.getKv());
        }
    }
}
