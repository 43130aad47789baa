package dev.golt.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "transfer-leadership", description = "Hand leadership to --to ID (or the most up-to-date follower); waits until done.")
final class TransferLeadershipCommand extends ClientCommand {

    @Option(names = "--to", paramLabel = "ID", description = "The member that should lead.")
    String to;

    @Override
    public Integer call() {
        Map<String, Object> body = new HashMap<>();
        if (to != null) {
            body.put("to", to);
        }
        Reply r = check(client().post("/admin/transfer-leadership", body));
        if (!printedJson(r)) {
            out().println("leader is now " + r.json().path("leader").asText());
        }
        return ExitCodes.OK;
    }
}
