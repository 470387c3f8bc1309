package dev.culprit.collectors.spool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.FromLogLine;
import dev.culprit.events.Schema;
import dev.culprit.events.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A bounded, append-only journal on disk between the collectors and Kafka. Every entry is
 * fsync'd before {@link #append} returns, so what a collector handed over survives SIGKILL and a
 * Kafka outage; the shipper releases entries once Kafka has them.
 *
 * <p>Layout: {@code segment-<first offset>.log} files of {@code [length][crc32][entry]} records
 * (an entry's layout is {@link SpoolEntry}'s),
 * plus {@code positions.json}, the tailers' file positions as of the last released segment.
 * A torn last record (a crash mid-write) fails its checksum and is cut off at open.
 */
public final class Spool implements BatchSink, AutoCloseable {

    private static final ObjectMapper JSON = EventCodec.mapper();
    private static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    /** Half of Kafka's default {@code max.request.size}: room for the batch and record overheads. */
    static final int MAX_RECORD_BYTES = 512 * 1024;
    private static final String POSITIONS = "positions.json";

    /** An entry read back, with the offset just past it. */
    public record Read(SpoolEntry entry, long next) {}

    private final Path dir;
    private final long maxBytes;
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final Map<String, FilePosition> positions = new HashMap<>();
    private FileChannel tail;
    private long tailBase;
    private long end;

    private Spool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    public static Spool open(Path dir, long maxBytes) {
        Spool spool = new Spool(dir, maxBytes);
        try {
            spool.recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spool " + dir, e);
        }
        return spool;
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        Path positionsFile = dir.resolve(POSITIONS);
        if (Files.exists(positionsFile)) {
            positions.putAll(JSON.readValue(positionsFile.toFile(), new TypeReference<Map<String, FilePosition>>() {}));
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches("segment-\\d+\\.log"))
                    .forEach(p -> segments.put(baseOf(p), p));
        }
        if (segments.isEmpty()) {
            end = 0;
            openTail(0);
            return;
        }
        // Replay what is still spooled: its positions are newer than positions.json.
        long offset = segments.firstKey();
        for (Map.Entry<Long, Path> segment : segments.entrySet()) {
            offset = segment.getKey();
            long validEnd = scan(segment.getValue(), entry -> positions.putAll(entry.positions()));
            try (FileChannel ch = FileChannel.open(segment.getValue(), StandardOpenOption.WRITE)) {
                if (ch.size() > validEnd) {
                    ch.truncate(validEnd); // a torn record from a crash mid-append
                }
            }
            offset += validEnd;
        }
        end = offset;
        tailBase = segments.lastKey();
        tail = FileChannel.open(segments.lastEntry().getValue(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /**
     * Appends an entry durably. Returns false, writing nothing, when the spool is full: the
     * caller keeps its input (a log file is its own buffer) or counts what it must drop.
     */
    public synchronized boolean append(SpoolEntry entry) {
        try {
            byte[] payload = entry.toBytes();
            if (bytesUsed() + payload.length + 8 > maxBytes) {
                return false;
            }
            if (end - tailBase + payload.length + 8 > SEGMENT_BYTES && end > tailBase) {
                tail.close();
                openTail(end);
            }
            if (!tail.isOpen()) {
                // An interrupted writer closes a FileChannel under everyone: open it again.
                tail = FileChannel.open(segments.get(tailBase), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            CRC32 crc = new CRC32();
            crc.update(payload);
            ByteBuffer record = ByteBuffer.allocate(8 + payload.length);
            record.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
            while (record.hasRemaining()) {
                tail.write(record);
            }
            tail.force(false);
            end += 8 + payload.length;
            positions.putAll(entry.positions());
            notifyAll();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to spool " + dir, e);
        }
    }

    @Override
    public boolean write(List<Event> events, Map<String, FilePosition> newPositions) {
        return append(new SpoolEntry(events.stream().map(Spool::withinRecordLimit).toList(), newPositions));
    }

    /**
     * The event as the record the shipper will send; one too large for a Kafka record (1 MiB by
     * default) is a dead letter instead, saying so: sent as it is, it would fail its transaction
     * again and again, and hold up everything spooled after it.
     */
    static EncodedEvent withinRecordLimit(Event event) {
        EncodedEvent encoded = EncodedEvent.of(event);
        if (encoded.value().length <= MAX_RECORD_BYTES) {
            return encoded;
        }
        FromLogLine line = event instanceof FromLogLine fromLine ? fromLine : null;
        return EncodedEvent.of(new DeadLetter(event.host(), event.source(), event.ts(), Schema.VERSION,
                line == null || line.file() == null ? encoded.topic() : line.file(),
                line == null || line.offset() == null ? -1 : line.offset(),
                event.getClass().getSimpleName() + " of " + encoded.value().length + " bytes is larger than the "
                        + MAX_RECORD_BYTES + " bytes a record may have; its start is kept here",
                encoded.json()));
    }

    /** Entries from {@code from} on, at most {@code max}; waits up to {@code waitMs} for the first. */
    public synchronized List<Read> read(long from, int max, long waitMs) throws InterruptedException {
        if (from >= end && waitMs > 0) {
            wait(waitMs);
        }
        List<Read> reads = new ArrayList<>();
        long offset = Math.max(from, segments.isEmpty() ? 0 : segments.firstKey());
        try {
            while (offset < end && reads.size() < max) {
                Map.Entry<Long, Path> segment = segments.floorEntry(offset);
                try (FileChannel ch = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                    long pos = offset - segment.getKey();
                    if (pos >= ch.size()) {
                        Long next = segments.higherKey(segment.getKey());
                        if (next == null) {
                            break;
                        }
                        offset = next;
                        continue;
                    }
                    while (pos < ch.size() && reads.size() < max) {
                        ByteBuffer header = ByteBuffer.allocate(8);
                        ch.read(header, pos);
                        header.flip();
                        int length = header.getInt();
                        ByteBuffer payload = ByteBuffer.allocate(length);
                        ch.read(payload, pos + 8);
                        pos += 8 + length;
                        reads.add(new Read(SpoolEntry.fromBytes(payload.array()), segment.getKey() + pos));
                    }
                    offset = segment.getKey() + pos;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool " + dir, e);
        }
        return reads;
    }

    /** Kafka has everything before {@code shipped}: whole segments before it can go. */
    public synchronized void release(long shipped) {
        try {
            Long base = segments.firstKey();
            while (base != null && !base.equals(tailBase)) {
                Long next = segments.higherKey(base);
                if (next == null || next > shipped) {
                    break;
                }
                // Positions first: once the segment is gone, positions.json is their only record.
                savePositions();
                Files.delete(segments.remove(base));
                base = segments.firstKey();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release spool segments in " + dir, e);
        }
    }

    /** Where each tailed file was when its last lines were spooled. */
    public synchronized Map<String, FilePosition> positions() {
        return Map.copyOf(positions);
    }

    /** The offset of the oldest entry still spooled ({@link #end()} when there is none). */
    public synchronized long start() {
        return segments.isEmpty() ? end : segments.firstKey();
    }

    public Path directory() {
        return dir;
    }

    public synchronized long end() {
        return end;
    }

    public synchronized long bytesUsed() {
        return segments.isEmpty() ? 0 : end - segments.firstKey();
    }

    @Override
    public synchronized void close() {
        try {
            savePositions();
            tail.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close spool " + dir, e);
        }
    }

    private void savePositions() throws IOException {
        Path tmp = dir.resolve(POSITIONS + ".tmp");
        JSON.writeValue(tmp.toFile(), positions);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(POSITIONS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void openTail(long base) throws IOException {
        Path file = dir.resolve(String.format("segment-%020d.log", base));
        tail = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        segments.put(base, file);
        tailBase = base;
    }

    /** Reads a segment's valid records; returns the byte length they span. */
    private static long scan(Path segment, java.util.function.Consumer<SpoolEntry> each) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long pos = 0;
            long size = ch.size();
            while (pos + 8 <= size) {
                ByteBuffer header = ByteBuffer.allocate(8);
                ch.read(header, pos);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || pos + 8 + length > size) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                ch.read(payload, pos + 8);
                CRC32 check = new CRC32();
                check.update(payload.array());
                if ((int) check.getValue() != crc) {
                    break;
                }
                each.accept(SpoolEntry.fromBytes(payload.array()));
                pos += 8 + length;
            }
            return pos;
        }
    }

    private static long baseOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring("segment-".length(), name.length() - ".log".length()));
    }
}
