package dev.golt.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the root's options, the client, output and error mapping. */
abstract class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    GoltCli root() {
        return (GoltCli) spec.root().userObject();
    }

    NodeClient client() {
        return root().client();
    }

    boolean json() {
        return root().json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Returns a 2xx reply; every other status becomes the matching exit code. */
    static Reply check(Reply r) {
        if (r.ok()) {
            if (r.json().isMissingNode()) {
                throw new CliException(ExitCodes.SERVER_ERROR, r.endpoint().getAuthority() + " answered "
                        + r.status() + " without a JSON body: " + r.raw().strip());
            }
            return r;
        }
        String what = r.endpoint().getAuthority() + " answered " + r.status()
                + (r.errorCode().isEmpty() ? "" : " " + r.errorCode()) + ": " + r.errorMessage();
        int code = switch (r.status()) {
            case 400, 413 -> ExitCodes.USAGE;
            case 404 -> r.errorCode().equals("unknown_member") ? ExitCodes.NOT_FOUND_OR_LOST : ExitCodes.SERVER_ERROR;
            case 504 -> ExitCodes.OUTCOME_UNKNOWN;
            default -> ExitCodes.SERVER_ERROR;
        };
        if (code == ExitCodes.OUTCOME_UNKNOWN) {
            what = "outcome unknown (the write may or may not have been applied): " + what;
        }
        throw new CliException(code, what);
    }

    /** With --json prints the raw answer and returns true. */
    boolean printedJson(Reply r) {
        if (json()) {
            out().println(r.raw().strip());
            return true;
        }
        return false;
    }
}
