package dev.culprit.collectors;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * One input of a host, with two modes, the way crowdsec's acquisition modules have "tail" and
 * "cat": live ({@link #poll}, run every {@link #interval()} by {@link LiveSchedule}) follows
 * what the host shows now; one-shot ({@link #readToEnd}) reads saved input to its end, each
 * event stamped with the data's own time. Sources are made by name in {@link SourceRegistry}.
 */
public interface Source extends AutoCloseable {

    /** Stable across restarts: it names the source in the summary and a log's position in the spool. */
    String name();

    /** Live: the time between the end of one poll and the start of the next. */
    Duration interval();

    /**
     * Live: reads what is new once (a sample, a status page, the lines since the last poll) and
     * writes it. Throws when the input could not be read this time, after writing what it could
     * (a status page that stopped answering is an event too); the schedule tries again.
     *
     * @return true when more input is waiting now (a log's backlog), so the schedule polls again at once
     */
    boolean poll(BatchSink sink) throws IOException;

    /** One-shot: reads the input from its beginning to its end and writes it. */
    void readToEnd(BatchSink sink) throws IOException;

    /** Where this source counts what it does; the schedule records its failures there too. */
    SourceTally tally();

    default SourceCounters counters() {
        return tally().counters();
    }

    @Override
    default void close() throws IOException {}

    /**
     * A failure as the summary and the log say it. A file system exception's message is only the
     * file's name, so the file and what happened to it are said in words.
     */
    static String describe(Exception e) {
        if (e instanceof AccessDeniedException denied) {
            return denied.getFile() + ": permission denied";
        }
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + ": no such file";
        }
        if (e instanceof FileSystemException fs && fs.getReason() == null) {
            return fs.getFile() + ": " + fs.getClass().getSimpleName();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
