package dev.golt.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", aliases = "del", description = "Delete KEY; exit 1 if it did not exist.")
final class DeleteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
        Reply r = check(client().post("/delete", Map.of("key", key)));
        boolean found = r.json().path("found").asBoolean(false);
        long index = r.json().path("index").asLong();
        if (!printedJson(r)) {
            if (found) {
                out().println("deleted (index " + index + ")");
            } else {
                err().println("golt: key not found: " + key + " (index " + index + ")");
            }
        }
        return found ? ExitCodes.OK : ExitCodes.NOT_FOUND_OR_LOST;
    }
}
