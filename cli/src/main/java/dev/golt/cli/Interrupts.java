// Interrupts: on Ctrl-C or SIGTERM, interrupts the thread running the command and waits for it to
// clean up (release a lock, resign, revoke a lease) before the JVM exits.
package dev.golt.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Installed by {@link GoltCli#main}; in-process runs (tests) interrupt the command thread themselves. */
final class Interrupts {

    /** How long a signalled command may take to clean up. */
    static final long CLEANUP_SECONDS = 10;

    private final CountDownLatch finished = new CountDownLatch(1);

    private Interrupts(Thread command) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (finished.getCount() > 0) {
                command.interrupt();
                try {
                    finished.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // exit now
                }
            }
        }, "golt-interrupt"));
    }

    /** Interrupts the calling thread when the JVM is asked to stop before {@link #finished()}. */
    static Interrupts forCurrentThread() {
        return new Interrupts(Thread.currentThread());
    }

    /** The command is done (cleanup included); the JVM may exit without waiting. */
    void finished() {
        finished.countDown();
    }
}
