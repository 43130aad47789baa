package dev.golt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Prints members as aligned columns: id, address, role, match index. */
final class MemberTable {

    private MemberTable() {}

    static void print(PrintWriter out, JsonNode members, String indent) {
        int idW = 2;
        int addrW = 7;
        for (JsonNode m : members) {
            idW = Math.max(idW, m.path("id").asText().length());
            addrW = Math.max(addrW, m.path("address").asText().length());
        }
        String fmt = indent + "%-" + idW + "s  %-" + addrW + "s  %-7s  %s%n";
        out.printf(fmt, "ID", "ADDRESS", "ROLE", "MATCH");
        for (JsonNode m : members) {
            JsonNode match = m.path("matchIndex");
            out.printf(fmt, m.path("id").asText(), m.path("address").asText(), m.path("role").asText(),
                    match.isNumber() ? match.asText() : "-");
        }
    }
}
