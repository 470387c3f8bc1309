package dev.culprit.storage;

import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;

/**
 * An archive's events in event-time order, in bounded memory: the archive is read once, in
 * chunks of at most {@link #DEFAULT_CHUNK_BYTES} of event JSON, each chunk sorted and written as
 * a run file in a scratch directory; reading merges the runs. An archive of a day holds far more
 * than a heap, and its files need not be in time order (a capture of two logs has one after the
 * other), but a replay must see events as they happened.
 *
 * <p>Events of equal time keep their archive order, so that the same archive always replays the
 * same way. The runs are deleted by {@link #close}.
 */
public final class TimeOrderedArchive implements AutoCloseable {

    /** Event JSON held before a chunk is sorted and written out (heap about twice that). */
    public static final long DEFAULT_CHUNK_BYTES = 32L << 20;

    private final Runs runs;
    private final long count;
    private final long firstTs;
    private final long lastTs;
    private final Map<String, Long> lastTsByHost;

    private TimeOrderedArchive(Runs runs, long count, long firstTs, long lastTs, Map<String, Long> lastTsByHost) {
        this.runs = runs;
        this.count = count;
        this.firstTs = firstTs;
        this.lastTs = lastTs;
        this.lastTsByHost = Map.copyOf(lastTsByHost);
    }

    /**
     * Reads the archive and writes its sorted runs under {@code scratch}.
     *
     * @param progress told how many events have been read, every 100,000
     * @throws EventArchive.UnusableArchive naming the file and line of what cannot be read
     */
    public static TimeOrderedArchive sort(Path archive, Path scratch, long chunkBytes, LongConsumer progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(scratch), "replay-runs-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the sorted runs of " + archive + " under " + scratch, e);
        }
        try (EventArchive.Reader reader = EventArchive.open(archive)) {
            List<String> runFiles = new ArrayList<>();
            List<EncodedEvent> chunk = new ArrayList<>();
            long chunkSize = 0;
            long count = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            Map<String, Long> lastByHost = new HashMap<>();
            for (Event event = reader.next(); event != null; event = reader.next()) {
                EncodedEvent encoded = EncodedEvent.of(event);
                chunk.add(encoded);
                chunkSize += encoded.value().length + encoded.host().length() + 64;
                count++;
                first = Math.min(first, event.ts());
                last = Math.max(last, event.ts());
                lastByHost.merge(event.host(), event.ts(), Math::max);
                if (chunkSize >= chunkBytes) {
                    runFiles.add(writeRun(dir, runFiles.size(), chunk));
                    chunk.clear();
                    chunkSize = 0;
                }
                if (count % 100_000 == 0) {
                    progress.accept(count);
                }
            }
            if (!chunk.isEmpty()) {
                runFiles.add(writeRun(dir, runFiles.size(), chunk));
            }
            progress.accept(count);
            return new TimeOrderedArchive(new Runs(dir.toString(), runFiles), count, first, last, lastByHost);
        } catch (IOException e) {
            delete(dir);
            throw new UncheckedIOException("cannot write the sorted runs of " + archive + " under " + scratch, e);
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    public long count() {
        return count;
    }

    /** The earliest event time; {@link Long#MAX_VALUE} when the archive holds no event. */
    public long firstTs() {
        return firstTs;
    }

    public long lastTs() {
        return lastTs;
    }

    /** Each host's latest event time. */
    public Map<String, Long> lastTsByHost() {
        return lastTsByHost;
    }

    /** Where the sorted events are: small, and {@link Serializable}, for a job that reads them elsewhere in this machine. */
    public Runs runs() {
        return runs;
    }

    @Override
    public void close() {
        delete(Path.of(runs.dir));
    }

    private static void delete(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the sorted runs in " + dir, e);
        }
    }

    private static String writeRun(Path dir, int index, List<EncodedEvent> chunk) throws IOException {
        chunk.sort(Comparator.comparingLong(EncodedEvent::ts)); // stable: equal times keep archive order
        Path file = dir.resolve(String.format("run-%05d", index));
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (EncodedEvent e : chunk) {
                out.writeUTF(e.topic());
                writeBytes(out, e.host().getBytes(StandardCharsets.UTF_8)); // a host name has no length limit writeUTF would keep
                out.writeLong(e.ts());
                writeBytes(out, e.value());
            }
        }
        return file.toString();
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }

    /** The sorted run files of one archive, by name. */
    public record Runs(String dir, List<String> files) implements Serializable {

        public Runs {
            files = List.copyOf(files);
        }

        /** The events of every run merged in time order; equal times in archive order. */
        public Merged open() {
            return new Merged(files);
        }
    }

    /** A merge of the sorted runs: one event of each run held at a time. */
    public static final class Merged implements AutoCloseable {

        private record Head(EncodedEvent event, int run) {}

        private final List<DataInputStream> runs = new ArrayList<>();
        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparingLong((Head h) -> h.event.ts()).thenComparingInt(Head::run));

        private Merged(List<String> files) {
            try {
                for (String f : files) {
                    runs.add(new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(f)), 1 << 16)));
                }
                for (int i = 0; i < runs.size(); i++) {
                    advance(i);
                }
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("cannot read the sorted runs " + files, e);
            }
        }

        /** The next event in time order, or null after the last. */
        public EncodedEvent next() {
            Head head = heads.poll();
            if (head == null) {
                return null;
            }
            try {
                advance(head.run);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read sorted run " + head.run, e);
            }
            return head.event;
        }

        private void advance(int run) throws IOException {
            DataInputStream in = runs.get(run);
            String topic;
            try {
                topic = in.readUTF();
            } catch (EOFException end) {
                return;
            }
            String host = new String(readBytes(in), StandardCharsets.UTF_8);
            long ts = in.readLong();
            byte[] value = readBytes(in);
            heads.add(new Head(new EncodedEvent(topic, host, ts, value), run));
        }

        @Override
        public void close() {
            for (DataInputStream in : runs) {
                try {
                    in.close();
                } catch (IOException e) {
                    // read only: nothing to lose
                }
            }
        }
    }
}
