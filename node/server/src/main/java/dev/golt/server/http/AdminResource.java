package dev.golt.server.http;

import dev.golt.raft.RaftStatus;
import dev.golt.raft.Role;
import dev.golt.server.NodeFlags;
import dev.golt.server.NodeHolder;
import dev.golt.server.node.GoltNode;
import dev.golt.server.node.RaftDriver;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Status, snapshots, leadership transfer and membership. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class AdminResource {

    private final NodeHolder holder;

    public AdminResource(NodeHolder holder) {
        this.holder = holder;
    }

    @GET
    @Path("status")
    public Response status() {
        GoltNode node = holder.node();
        RaftDriver d = node.driver();
        RaftStatus s = d.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodeId", node.settings().id());
        m.put("state", switch (d.role()) {
            case LEADER -> "leader";
            case FOLLOWER -> "follower";
            case CANDIDATE -> "candidate";
            case PRE_CANDIDATE -> "pre-candidate";
        });
        m.put("term", d.term());
        m.put("commitIndex", d.commitIndex());
        m.put("appliedIndex", d.appliedIndex());
        m.put("logLength", s.lastIndex());
        m.put("snapshotIndex", d.snapshotIndex());
        m.put("leader", d.leader().isEmpty() ? null : d.leader());
        m.put("isLeader", d.role() == Role.LEADER);
        m.put("members", node.members());
        return KvResource.ok(m);
    }

    @POST
    @Path("admin/snapshot")
    public CompletionStage<Response> snapshot() {
        return KvResource.respond(holder.node().snapshotNow(), i -> KvResource.ok(Map.of("index", i)));
    }

    @POST
    @Path("admin/transfer-leadership")
    public CompletionStage<Response> transfer(byte[] body) {
        String to = null;
        if (body != null && body.length > 0) {
            to = JsonBody.parse(body).optionalString("to");
        }
        return KvResource.respond(holder.node().transferLeadership(to),
                l -> KvResource.ok(Map.of("success", true, "leader", l)));
    }

    @GET
    @Path("admin/members")
    public Response members() {
        return KvResource.ok(Map.of("members", holder.node().members()));
    }

    @POST
    @Path("admin/members")
    public CompletionStage<Response> addMember(byte[] body) {
        JsonBody json = JsonBody.parse(body);
        String id = json.string("id");
        String address = json.string("address");
        if (id.isBlank() || id.contains(",") || id.contains("=")) {
            throw JsonBody.bad("id must be non-empty and contain no ',' or '='");
        }
        try {
            NodeFlags.HostPort.parse(address, "address");
        } catch (IllegalArgumentException e) {
            throw JsonBody.bad(e.getMessage());
        }
        return KvResource.respond(holder.node().addMember(id, address),
                r -> KvResource.ok(Map.of("success", true, "index", r.index())));
    }

    @DELETE
    @Path("admin/members/{id}")
    public CompletionStage<Response> removeMember(@PathParam("id") String id) {
        return KvResource.respond(holder.node().removeMember(id),
                r -> KvResource.ok(Map.of("success", true, "index", r.index())));
    }
}
