package dev.golt.server.etcd;

import dev.golt.etcd.api.ClusterGrpc;
import dev.golt.etcd.api.Member;
import dev.golt.etcd.api.MemberAddRequest;
import dev.golt.etcd.api.MemberAddResponse;
import dev.golt.etcd.api.MemberListRequest;
import dev.golt.etcd.api.MemberListResponse;
import dev.golt.etcd.api.MemberPromoteRequest;
import dev.golt.etcd.api.MemberPromoteResponse;
import dev.golt.etcd.api.MemberRemoveRequest;
import dev.golt.etcd.api.MemberRemoveResponse;
import dev.golt.etcd.api.MemberUpdateRequest;
import dev.golt.etcd.api.MemberUpdateResponse;
import dev.golt.server.node.GoltNode;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Cluster service mapped onto Golt's membership. A member's etcd id is {@link EtcdIds} of its
 * Golt id and its name is the Golt id; peer URLs are {@code http://<raft address>}. MemberAdd names
 * the new member after its peer URL's host (the first DNS label, e.g. the pod name, or host:port for
 * an IP address — start the node with that {@code --id}) and always adds a learner: Golt promotes
 * it by itself once caught up, so MemberPromote only answers whether that happened. Client URLs are
 * those each member published ({@link ClientUrlPublisher}).
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {

    private final EtcdApi api;
    private final String clientUrl;

    public ClusterService(EtcdApi api, String clientUrl) {
        this.api = api;
        this.clientUrl = clientUrl;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
        Replies.reply(out, () -> CompletableFuture.completedFuture(
                MemberListResponse.newBuilder().setHeader(api.header()).addAllMembers(members()).build()));
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
        Replies.reply(out, () -> {
            if (request.getPeerURLsCount() == 0) {
                throw EtcdError.invalid("etcdserver: no peer URLs given");
            }
            URI url = URI.create(request.getPeerURLs(0));
            if (url.getHost() == null || url.getPort() < 0) {
                throw EtcdError.invalid("etcdserver: peer URL needs a host and a port: " + request.getPeerURLs(0));
            }
            String address = url.getHost() + ":" + url.getPort();
            String id = idFor(url.getHost(), address);
            return api.node().addMember(id, address).thenApply(a -> MemberAddResponse.newBuilder().setHeader(api.header())
                    .setMember(Member.newBuilder().setID(EtcdIds.memberId(id)).setName(id)
                            .addPeerURLs("http://" + address).setIsLearner(true))
                    .addAllMembers(members()).build());
        });
    }

    /** The first DNS label of a host name (a pod name on Kubernetes), or host:port for an IP address. */
    static String idFor(String host, String address) {
        boolean ip = host.contains(":") || host.matches("[0-9.]+");
        return ip ? address : host.split("\\.")[0];
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> out) {
        Replies.reply(out, () -> api.node().removeMember(goltId(request.getID()))
                .thenApply(a -> MemberRemoveResponse.newBuilder().setHeader(api.header()).addAllMembers(members()).build()));
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> out) {
        Replies.reply(out, () -> {
            String id = goltId(request.getID());
            boolean learner = api.node().members().stream().anyMatch(m -> m.id().equals(id) && m.role().equals("learner"));
            if (!learner) {
                throw new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: can only promote a learner member");
            }
            throw new EtcdError(Status.Code.FAILED_PRECONDITION,
                    "etcdserver: can only promote a learner member which is in sync with leader"
                            + " (Golt promotes it by itself once it is)");
        });
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> out) {
        out.onError(Status.UNIMPLEMENTED.withDescription(
                "golt: a member's peer address changes by removing and adding it again").asRuntimeException());
    }

    private String goltId(long etcdId) {
        for (GoltNode.Member m : api.node().members()) {
            if (EtcdIds.memberId(m.id()) == etcdId) {
                return m.id();
            }
        }
        throw new EtcdError(Status.Code.NOT_FOUND, EtcdError.MEMBER_NOT_FOUND);
    }

    List<Member> members() {
        String self = api.node().settings().id();
        java.util.Map<String, List<String>> urls = api.store().memberClientUrls();
        return api.node().members().stream().map(m -> {
            Member.Builder b = Member.newBuilder().setID(EtcdIds.memberId(m.id())).setName(m.id())
                    .setIsLearner(m.role().equals("learner"));
            if (m.address() != null) {
                b.addPeerURLs("http://" + m.address());
            }
            List<String> published = urls.get(m.id());
            if (published != null) {
                b.addAllClientURLs(published);
            } else if (m.id().equals(self) && clientUrl != null) {
                b.addClientURLs(clientUrl);
            }
            return b.build();
        }).toList();
    }
}
