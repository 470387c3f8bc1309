package dev.culprit.collectors.tail;

/**
 * How far a log file has been read: the file's identity (inode) and the byte offset just past the
 * last complete line handed on. The inode tells a rotated-away file from its successor.
 */
public record FilePosition(long inode, long offset) {

    /** The beginning of whichever file is at the path when it is first read (no inode known yet). */
    public static final FilePosition BEGINNING = new FilePosition(-1, 0);

    public FilePosition {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }
}
