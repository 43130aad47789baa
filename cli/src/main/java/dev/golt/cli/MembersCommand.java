package dev.golt.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "members", description = "List, add or remove Raft members.",
        subcommands = {MembersCommand.List.class, MembersCommand.Add.class, MembersCommand.Remove.class})
final class MembersCommand extends ClientCommand {

    /** {@code golt members} alone lists them. */
    @Override
    public Integer call() {
        return List.list(this);
    }

    @Command(name = "list", aliases = "ls", description = "List members: id, Raft address, role, match index (known on the leader).")
    static final class List extends ClientCommand {
        @Override
        public Integer call() {
            return list(this);
        }

        static int list(ClientCommand c) {
            Reply r = check(c.client().get("/admin/members"));
            if (!c.printedJson(r)) {
                MemberTable.print(c.out(), r.json().path("members"), "");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", description = "Add a member as a learner; it becomes a voter once caught up.")
    static final class Add extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "RAFT_ADDRESS", description = "host:port peers use to reach it.")
        String address;

        @Override
        public Integer call() {
            Reply r = check(client().post("/admin/members", Map.of("id", id, "address", address)));
            if (!printedJson(r)) {
                out().println("added " + id + " as learner (index " + r.json().path("index").asLong() + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", aliases = "rm", description = "Remove a member; exit 1 if there is no such member.")
    static final class Remove extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            Reply r = check(client().delete("/admin/members/" + q(id).replace("+", "%20")));
            if (!printedJson(r)) {
                out().println("removed " + id + " (index " + r.json().path("index").asLong() + ")");
            }
            return ExitCodes.OK;
        }
    }
}
