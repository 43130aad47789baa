package dev.golt.cli;

import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "snapshot", description = "Make the answering node take a snapshot now; prints its index.")
final class SnapshotCommand extends ClientCommand {

    @Override
    public Integer call() {
        Reply r = check(client().post("/admin/snapshot", Map.of()));
        if (!printedJson(r)) {
            out().println("snapshot at index " + r.json().path("index").asLong());
        }
        return ExitCodes.OK;
    }
}
