package dev.culprit.events;

/**
 * An event read from one line of a log, which says where that line is, so that a user can go
 * from an incident's evidence to the line. Parsers know lines, not files: the reader stamps it.
 */
public interface FromLogLine {

    /** This event as read from the line at {@code offset} (bytes) of {@code file}. */
    Event at(String file, long offset);

    /** The file the line is in; null before the reader stamped it, and in older archives. */
    String file();

    /** Where the line starts in {@link #file()}, in bytes; null with it. */
    Long offset();
}
