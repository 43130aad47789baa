package dev.golt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show the answering node's role, term, indexes, leader and members.")
final class StatusCommand extends ClientCommand {

    @Override
    public Integer call() {
        Reply r = check(client().get("/status"));
        if (printedJson(r)) {
            return ExitCodes.OK;
        }
        JsonNode s = r.json();
        JsonNode leader = s.path("leader");
        out().printf("node      %s (%s, term %d) at %s%n", s.path("nodeId").asText(), s.path("state").asText(),
                s.path("term").asLong(), r.endpoint().getAuthority());
        out().printf("leader    %s%n", leader.isTextual() ? leader.asText() : "none");
        out().printf("indexes   commit %d  applied %d  snapshot %d  log length %d%n", s.path("commitIndex").asLong(),
                s.path("appliedIndex").asLong(), s.path("snapshotIndex").asLong(), s.path("logLength").asLong());
        out().println("members");
        MemberTable.print(out(), s.path("members"), "  ");
        return ExitCodes.OK;
    }
}
