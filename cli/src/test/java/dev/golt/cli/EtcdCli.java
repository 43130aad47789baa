// EtcdCli: one real etcd per test class and `golt` pointed at it with --grpc-endpoints.
package dev.golt.cli;

import java.util.function.BooleanSupplier;

final class EtcdCli implements AutoCloseable {

    final RealEtcd etcd;
    final CliRunner cli = new CliRunner();

    EtcdCli() throws Exception {
        etcd = RealEtcd.start();
    }

    private String[] withEndpoint(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--grpc-endpoints";
        all[1] = etcd.endpoint();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    CliRunner.Result golt(String... args) {
        return cli.run(withEndpoint(args));
    }

    /** Runs golt with {@code stdin} as its standard input. */
    CliRunner.Result goltWithInput(String stdin, String... args) {
        return cli.runWithInput(stdin, withEndpoint(args));
    }

    CliRunner.Running start(String... args) {
        return cli.start(withEndpoint(args));
    }

    static boolean eventually(long ms, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        etcd.close();
    }
}
