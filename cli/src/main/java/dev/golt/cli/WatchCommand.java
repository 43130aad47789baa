// WatchCommand: `golt watch KEY [--prefix] [--rev N] [--prev-kv]`, etcdctl's watch: prints each
// event as etcdctl does until interrupted.
package dev.golt.cli;

import com.google.protobuf.ByteString;
import dev.golt.etcd.api.WatchCreateRequest;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "watch", description = {"Print the events on KEY (or under it, with --prefix) until interrupted, as "
    + "etcdctl does: for each, PUT or DELETE, then (with --prev-kv) the previous key and value, then the key and value.",
    "A broken connection is resumed after the last event printed, on any endpoint, within --timeout."})
final class WatchCommand extends EtcdCommand {

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Option(names = "--prefix", description = "Watch every key that starts with KEY.")
    boolean prefix;

    @Option(names = "--rev", paramLabel = "N", description = "Start with the events of revision N (history), not now.")
    long revision;

    @Option(names = "--prev-kv", description = "Also print each event's previous key and value.")
    boolean prevKv;

    @Override
    int run(ManagedChannel channel) throws InterruptedException {
        ByteString k = ByteString.copyFromUtf8(key);
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setKey(k).setPrevKv(prevKv)
                .setStartRevision(revision);
        if (prefix) {
            create.setRangeEnd(KeyRanges.prefixEnd(k));
        }
        EtcdPrinter printer = new EtcdPrinter(out());
        try (WatchStream watch = new WatchStream(channel, create.build(), timeout())) {
            while (true) {
                printer.watch(watch.next());
                out().flush();
            }
        } catch (InterruptedException stop) {
            return ExitCodes.OK;
        }
    }

    @Override
    boolean writes() {
        return false;
    }
}
