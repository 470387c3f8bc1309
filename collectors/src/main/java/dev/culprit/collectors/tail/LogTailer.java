package dev.culprit.collectors.tail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Follows one log file through both kinds of rotation without losing or repeating a line.
 *
 * <ul>
 *   <li>rename-and-create: the path names a new inode. The old file stays open and is read to its
 *       end on every poll for a grace period, because a daemon keeps writing to it until it
 *       reopens its log. After a restart it is found again by inode among its rotated siblings
 *       ({@code mail.log.1}) and read from the saved offset.
 *   <li>copytruncate: the same inode is now shorter than what was read. Lines written after our
 *       last read but before the truncate live only in the copy ({@code mail.log.1}); they are
 *       read from there before the truncated file is read again from its beginning.
 * </ul>
 *
 * A partial last line (no newline yet) waits until its newline arrives. The tailer never stores
 * its position: callers take {@link Batch#next()} and store it together with what they made of
 * the lines, so a crash cannot separate the two.
 */
public final class LogTailer implements AutoCloseable {

    /** Lines read in one poll, and the position just past them. */
    public record Batch(List<LogLine> lines, FilePosition next) {}

    private static final int MAX_BATCH_BYTES = 1 << 20;
    private static final long ROTATED_GRACE_NANOS = 10_000_000_000L;

    private final Path path;
    private OpenLog current;
    private long inode;
    private long offset;
    private OpenLog rotated;

    /** An open file and how far it has been read. */
    private static final class OpenLog {
        final FileChannel channel;
        final Path name;
        long offset;
        long lastGrowth = System.nanoTime();

        OpenLog(FileChannel channel, Path name, long offset) {
            this.channel = channel;
            this.name = name;
            this.offset = offset;
        }
    }

    /**
     * @param start where a previous run stopped; empty starts at the current end of the file
     *     (live collection does not replay history); {@link FilePosition#BEGINNING} reads it all
     */
    public LogTailer(Path path, Optional<FilePosition> start) {
        this.path = path;
        if (start.isPresent()) {
            inode = start.get().inode();
            offset = start.get().offset();
            return;
        }
        try {
            inode = inodeOf(path);
            offset = Files.size(path);
        } catch (NoSuchFileException e) {
            inode = -1;
            offset = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    public FilePosition position() {
        return new FilePosition(inode, current != null ? current.offset : offset);
    }

    /** Reads what is new since the last poll (about 1 MiB of lines at most). */
    public Batch poll() throws IOException {
        List<LogLine> lines = new ArrayList<>();
        if (rotated != null) {
            if (drain(rotated, lines) > 0) {
                rotated.lastGrowth = System.nanoTime();
            } else if (System.nanoTime() - rotated.lastGrowth > ROTATED_GRACE_NANOS) {
                rotated.channel.close();
                rotated = null;
            }
        }
        long pathInode;
        try {
            pathInode = inodeOf(path);
        } catch (NoSuchFileException e) {
            // Between rename and create nothing is at the path; the open file may still grow.
            if (current != null) {
                drain(current, lines);
            }
            return new Batch(lines, position());
        }
        if (inode == -1) {
            inode = pathInode; // first sight of a file read from its beginning
        }
        if (pathInode != inode) {
            switchToRenamedSuccessor(lines);
            inode = pathInode;
            offset = 0;
        }
        if (current == null) {
            current = new OpenLog(FileChannel.open(path, StandardOpenOption.READ), path, offset);
        }
        if (current.channel.size() < current.offset) {
            readCopyOfTruncated(lines);
            current.offset = 0;
        }
        drain(current, lines);
        return new Batch(lines, position());
    }

    /** The file we were reading was renamed away: read it to its end now, and keep watching it. */
    private void switchToRenamedSuccessor(List<LogLine> lines) throws IOException {
        if (rotated != null) {
            rotated.channel.close();
        }
        if (current != null) {
            drain(current, lines);
            rotated = current;
            current = null;
            return;
        }
        Optional<Path> renamed = siblingWithInode(inode);
        if (renamed.isPresent()) {
            rotated = new OpenLog(FileChannel.open(renamed.get(), StandardOpenOption.READ), renamed.get(), offset);
            drain(rotated, lines);
        }
    }

    /** copytruncate: what was copied but not yet read sits in the copy, past our offset. */
    private void readCopyOfTruncated(List<LogLine> lines) throws IOException {
        Path copy = path.resolveSibling(path.getFileName() + ".1");
        if (Files.isRegularFile(copy) && Files.size(copy) > current.offset) {
            try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.READ)) {
                drain(new OpenLog(channel, copy, current.offset), lines);
            }
        }
    }

    /** Reads complete lines from the log's offset on and moves the offset past the last newline. */
    private static int drain(OpenLog log, List<LogLine> lines) throws IOException {
        int before = lines.size();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        LineBuffer pending = new LineBuffer();
        long lineStart = log.offset;
        long pos = log.offset;
        long read = 0;
        // Stop after about MAX_BATCH_BYTES, but never before one whole line, however long.
        while (read < MAX_BATCH_BYTES || lines.size() == before) {
            buffer.clear();
            int n = log.channel.read(buffer, pos);
            if (n <= 0) {
                break;
            }
            read += n;
            byte[] chunk = buffer.array();
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    pending.add(chunk, from, i - from);
                    pos += i + 1 - from;
                    from = i + 1;
                    lines.add(pending.take(log.name, lineStart));
                    lineStart = pos;
                    log.offset = pos;
                }
            }
            pending.add(chunk, from, n - from);
            pos += n - from;
        }
        return lines.size() - before;
    }

    private Optional<Path> siblingWithInode(long wanted) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        String prefix = path.getFileName().toString();
        try (Stream<Path> siblings = Files.list(dir)) {
            return siblings
                    .filter(p -> p.getFileName().toString().startsWith(prefix) && !p.equals(path.toAbsolutePath()))
                    .filter(p -> {
                        try {
                            return Files.isRegularFile(p) && inodeOf(p) == wanted;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .findFirst();
        }
    }

    static long inodeOf(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.channel.close();
            current = null;
        }
        if (rotated != null) {
            rotated.channel.close();
            rotated = null;
        }
    }
}
