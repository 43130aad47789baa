package dev.golt.server.etcd;

import dev.golt.etcd.api.CompactionRequest;
import dev.golt.etcd.api.CompactionResponse;
import dev.golt.etcd.api.DeleteRangeRequest;
import dev.golt.etcd.api.DeleteRangeResponse;
import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.PutRequest;
import dev.golt.etcd.api.PutResponse;
import dev.golt.etcd.api.RangeRequest;
import dev.golt.etcd.api.RangeResponse;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;

/** etcd's KV service ({@code etcdserverpb.KV}) over {@link EtcdApi}. */
public final class KvService extends KVGrpc.KVImplBase {

    private final EtcdApi api;

    public KvService(EtcdApi api) {
        this.api = api;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
        Replies.reply(out, () -> api.range(request));
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
        Replies.reply(out, () -> api.put(request));
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
        Replies.reply(out, () -> api.deleteRange(request));
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
        Replies.reply(out, () -> api.txn(request));
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> out) {
        Replies.reply(out, () -> api.compact(request));
    }
}
