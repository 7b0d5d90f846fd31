package reluflow.cli.replay;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a long-running command: a JVM shutdown hook that raises a flag, runs an optional wake-up
 * action (e.g. {@code consumer.wakeup()}), and then holds the JVM until the command says it has closed
 * its files ({@link #close()}), at most {@value #GRACE_SECONDS} s. Closing it when the command ends
 * normally removes the hook, so commands run in-process (tests) leave nothing behind.
 */
final class ShutdownSignal implements AutoCloseable {
    static final int GRACE_SECONDS = 20;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;
    private volatile Runnable wakeUp = () -> { };

    ShutdownSignal(String name) {
        hook = new Thread(() -> {
            requested = true;
            wakeUp.run();
            try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** What to run when Ctrl-C comes, to unblock the command's loop. */
    void onRequest(Runnable action) {
        this.wakeUp = action;
    }

    boolean requested() {
        return requested;
    }

    /** The command has finished and closed its files. */
    @Override
    public void close() {
        finished.countDown();
        if (!requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs and finds the latch open
            }
        }
    }
}
