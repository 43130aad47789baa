package dev.golt.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code host:port[,host:port...]} (an {@code http://} or {@code https://} prefix is allowed). */
public final class Endpoints {

    private Endpoints() {}

    public static List<URI> parse(String spec) {
        List<URI> result = new ArrayList<>();
        for (String part : spec.split(",")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            if (!s.startsWith("http://") && !s.startsWith("https://")) {
                s = "http://" + s;
            }
            URI uri;
            try {
                uri = URI.create(s);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "invalid endpoint '" + part.strip() + "': " + e.getMessage());
            }
            if (uri.getHost() == null || uri.getPort() < 0 || (uri.getPath() != null && !uri.getPath().isEmpty())) {
                throw new CliException(ExitCodes.USAGE, "invalid endpoint '" + part.strip() + "': expected host:port");
            }
            result.add(uri);
        }
        if (result.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no endpoints given");
        }
        return List.copyOf(result);
    }
}
