package dev.golt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "put", description = "Set KEY to VALUE (VALUE '-' reads it from stdin). Prints OK and the log index.")
final class PutCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException {
        String v = value.equals("-") ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8) : value;
        Reply r = check(client().post("/set", Map.of("key", key, "value", v)));
        if (!printedJson(r)) {
            out().println("OK (index " + r.json().path("index").asLong() + ")");
        }
        return ExitCodes.OK;
    }
}
