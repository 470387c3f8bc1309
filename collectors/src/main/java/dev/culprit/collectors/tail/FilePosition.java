package dev.culprit.collectors.tail;

/**
 * How far a log file has been read: the file's identity (inode) and the byte offset just past the
 * last complete line handed on. The inode tells a rotated-away file from its successor.
 */
public record FilePosition(long inode, long offset) {

    public FilePosition {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }
}
