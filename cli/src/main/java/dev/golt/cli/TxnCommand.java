// TxnCommand: `golt txn`, etcdctl's txn: reads compares, success requests and failure requests
// from stdin (each list ended by a blank line) and commits them as one etcd v3 transaction.
package dev.golt.cli;

import dev.golt.etcd.api.KVGrpc;
import dev.golt.etcd.api.TxnRequest;
import dev.golt.etcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "txn", description = {"One atomic transaction, read from stdin in etcdctl's txn format: compares "
    + "(one a line, e.g. mod(\"k\") > \"0\", value(\"k\") = \"v\", version(\"k\") = \"0\", create(\"k\") != \"0\", "
    + "lease(\"k\") = \"<hex id>\"), a blank line, the requests to run if all compares hold (put K V, get K, del K, "
    + "with etcdctl's flags), a blank line, the requests to run otherwise.",
    "Prints SUCCESS or FAILURE and each response as etcdctl does; exits 1 on FAILURE, like a lost cas."})
final class TxnCommand extends EtcdCommand {

    @Option(names = {"-i", "--interactive"}, description = "Prompt for each part, as etcdctl txn -i does.")
    boolean interactive;

    InputStream stdin = System.in;

    @Override
    int run(ManagedChannel channel) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        prompt("compares:");
        readSection(in, TxnParser::compare, txn::addCompare);
        prompt("success requests (get, put, del):");
        readSection(in, TxnParser::request, txn::addSuccess);
        prompt("failure requests (get, put, del):");
        readSection(in, TxnParser::request, txn::addFailure);
        TxnResponse r = timed(KVGrpc.newBlockingStub(channel)).txn(txn.build());
        new EtcdPrinter(out()).txn(r);
        return r.getSucceeded() ? ExitCodes.OK : ExitCodes.NOT_FOUND_OR_LOST;
    }

    private void prompt(String text) {
        if (interactive) {
            out().println(text);
            out().flush();
        }
    }

    /** Lines up to a blank line or the end of input. */
    private static <T> void readSection(BufferedReader in, Function<String, T> parse, Consumer<T> add) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String s = line.strip();
            if (s.isEmpty()) {
                return;
            }
            try {
                add.accept(parse.apply(s));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
    }
}
