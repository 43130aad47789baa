package dev.golt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "Print KEY's value on stdout; exit 1 if the key does not exist.")
final class GetCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
        Reply r = check(client().get("/get?key=" + q(key) + "&consistency=" + root().consistency));
        boolean found = r.json().path("found").asBoolean(false);
        if (!printedJson(r)) {
            if (found) {
                out().println(r.json().path("value").asText());
            } else {
                err().println("golt: key not found: " + key);
            }
        }
        return found ? ExitCodes.OK : ExitCodes.NOT_FOUND_OR_LOST;
    }
}
