package dev.golt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan", description = {"List keys with PREFIX in key order, one 'key<TAB>value' line each.",
    "No PREFIX: all keys. Without --all, a hint for the next page goes to stderr."})
final class ScanCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PREFIX", arity = "0..1", defaultValue = "")
    String prefix;

    @Option(names = "--after", paramLabel = "KEY", description = "Start after this key.")
    String after;

    @Option(names = "--limit", paramLabel = "N", description = "Items per page (server default 100, at most 1000).")
    Integer limit;

    @Option(names = "--all", description = "Follow pages until the end.")
    boolean all;

    @Option(names = "--keys-only", description = "Print keys only.")
    boolean keysOnly;

    @Override
    public Integer call() {
        NodeClient client = client();
        ArrayNode items = root().mapper().createArrayNode();
        String cursor = after;
        JsonNode next;
        do {
            StringBuilder path = new StringBuilder("/scan?prefix=").append(q(prefix))
                    .append("&consistency=").append(root().consistency);
            if (cursor != null) {
                path.append("&after=").append(q(cursor));
            }
            if (limit != null) {
                path.append("&limit=").append(limit);
            }
            Reply r = check(client.get(path.toString()));
            if (!all && printedJson(r)) {
                return ExitCodes.OK;
            }
            for (JsonNode item : r.json().path("items")) {
                items.add(item);
                if (!json()) {
                    out().println(keysOnly ? item.path("key").asText()
                            : item.path("key").asText() + "\t" + item.path("value").asText());
                }
            }
            next = r.json().path("next");
            cursor = next.isTextual() ? next.asText() : null;
        } while (all && cursor != null);
        if (json()) {
            ObjectNode combined = root().mapper().createObjectNode();
            combined.set("items", items);
            combined.putNull("next");
            out().println(combined);
        } else if (cursor != null) {
            err().println("golt: more keys; continue with --after '" + cursor + "' (or use --all)");
        }
        return ExitCodes.OK;
    }
}
