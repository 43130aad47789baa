package dev.golt.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cas", description = {"Compare-and-set: change KEY only if its current value is as expected.",
    "Exit 1 (and the current value on stderr) if it was not."})
final class CasCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Expected expected;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Update update;

    static final class Expected {
        @Option(names = "--expect", paramLabel = "VALUE", description = "The value KEY must have now.")
        String value;

        @Option(names = "--expect-absent", description = "KEY must not exist now.")
        boolean absent;
    }

    static final class Update {
        @Option(names = "--value", paramLabel = "VALUE", description = "The new value.")
        String value;

        @Option(names = "--delete", description = "Delete KEY instead of setting it.")
        boolean delete;
    }

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", key);
        body.put("expected", expected.absent ? null : expected.value);
        body.put("value", update.delete ? null : update.value);
        Reply r = check(client().post("/cas", body));
        boolean success = r.json().path("success").asBoolean(false);
        if (!printedJson(r)) {
            if (success) {
                out().println("OK (index " + r.json().path("index").asLong() + ")");
            } else {
                var current = r.json().path("current");
                err().println("golt: cas lost: current value is "
                        + (current.isTextual() ? "'" + current.asText() + "'" : "absent"));
            }
        }
        return success ? ExitCodes.OK : ExitCodes.NOT_FOUND_OR_LOST;
    }
}
