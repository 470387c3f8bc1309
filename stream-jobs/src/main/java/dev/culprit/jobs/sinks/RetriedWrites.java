package dev.culprit.jobs.sinks;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink's database writes, retried in place until they succeed. A write that fails (the database
 * file locked by another process, a full disk, rights taken away) is not thrown to Flink: a
 * restarted task would fail the same way, and after the allowed restarts the job — detection for
 * every host — would be dead. Waiting here instead holds the task, so Kafka keeps the backlog
 * (backpressure) and nothing that was read is lost. The wait grows from {@link #FIRST_WAIT} to
 * {@link #LONGEST_WAIT}; the first failure is logged at once, then once a minute while it lasts,
 * and the recovery is logged too. Cancelling the task (an interrupt) ends the wait.
 */
final class RetriedWrites {

    static final Duration FIRST_WAIT = Duration.ofMillis(500);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(30);
    private static final Duration REPEAT_WARNING = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(RetriedWrites.class);

    private RetriedWrites() {}

    /** Runs {@code write} until it returns; {@code what} names it in the log ("storing 1000 raw events"). */
    static void untilDone(String what, Runnable write) throws InterruptedException {
        long failingSince = 0;
        long warnedAt = 0;
        int attempts = 0;
        long wait = FIRST_WAIT.toMillis();
        while (true) {
            try {
                write.run();
                if (attempts > 0) {
                    LOG.warn("{}: succeeded after {} failed attempt(s) over {} s", what, attempts,
                            (System.currentTimeMillis() - failingSince) / 1000);
                }
                return;
            } catch (RuntimeException e) {
                long now = System.currentTimeMillis();
                if (attempts == 0) {
                    failingSince = now;
                }
                attempts++;
                if (attempts == 1 || now - warnedAt >= REPEAT_WARNING.toMillis()) {
                    warnedAt = now;
                    LOG.warn("{} failed ({} attempt(s) over {} s), retrying; detection waits, the events wait in Kafka: {}",
                            what, attempts, (now - failingSince) / 1000, e.getMessage());
                }
            }
            Thread.sleep(wait);
            wait = Math.min(wait * 2, LONGEST_WAIT.toMillis());
        }
    }
}
