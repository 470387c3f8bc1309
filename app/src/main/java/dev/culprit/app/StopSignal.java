package dev.culprit.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or SIGTERM) for a long-running command: the JVM's shutdown waits until the command has
 * closed what it runs, in its own order, instead of the JVM halting it mid-write. The JVM then
 * exits as a program stopped by a signal does, 128 + its number (130 after Ctrl-C, 143 after
 * SIGTERM), which the README documents; a command that ends by itself exits with its own code.
 * Everything the command must finish, an archive it writes among them, closes before {@link #close}.
 */
final class StopSignal implements AutoCloseable {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal(String name) {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static StopSignal install(String name) {
        return new StopSignal(name);
    }

    /** Waits for Ctrl-C, or for {@code atMost} when given. */
    void await(Duration atMost) throws InterruptedException {
        if (atMost == null) {
            stop.await();
        } else {
            stop.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The command has closed everything: let a waiting shutdown go on. */
    @Override
    public void close() {
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running and has just been released
        }
    }
}
