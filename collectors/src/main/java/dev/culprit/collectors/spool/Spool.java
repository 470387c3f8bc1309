package dev.culprit.collectors.spool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.FromLogLine;
import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.events.access.RandomSecret;
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
 * plus {@code positions.json}, the tailers' file positions as of the last released segment, and
 * {@code spool-id}, the name of this spool's offsets in Kafka ({@link #id()}).
 * A torn last record (a crash mid-write) fails its checksum and is cut off at open; a record whose
 * bytes change on disk later fails it when read, and the reader says where it can go on
 * ({@link UnreadableEntry}) instead of handing out what the bytes happen to decode to.
 */
public final class Spool implements BatchSink, AutoCloseable {

    private static final ObjectMapper JSON = EventCodec.mapper();
    private static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    /** Half of Kafka's default {@code max.request.size}: room for the batch and record overheads. */
    static final int MAX_RECORD_BYTES = 512 * 1024;
    private static final String POSITIONS = "positions.json";
    private static final String ID = "spool-id";

    /** An entry read back, with the offset just past it and its record's checksum (which tells it from another entry there). */
    public record Read(SpoolEntry entry, long next, int checksum) {}

    private final Path dir;
    private final long maxBytes;
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final Map<String, FilePosition> positions = new HashMap<>();
    private FileChannel tail;
    private long tailBase;
    private long end;
    private String id;
    private boolean predatesId;

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
        readOrCreateId();
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
            ByteBuffer record = ByteBuffer.allocate(8 + payload.length);
            record.putInt(payload.length).putInt(checksumOf(payload)).put(payload).flip();
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

    /**
     * Spooled bytes that are no entry: a record whose checksum fails (the disk changed it after it
     * was written) or a whole record that does not decode. {@link #resumeAt} is where the next entry
     * can be read: just past this one when its length can be trusted, else the next segment.
     */
    public static final class UnreadableEntry extends RuntimeException {
        private final long offset;
        private final long resumeAt;

        UnreadableEntry(String message, long offset, long resumeAt) {
            super(message);
            this.offset = offset;
            this.resumeAt = resumeAt;
        }

        /** The spool offset the unreadable bytes start at. */
        public long offset() {
            return offset;
        }

        /** The spool offset of the first entry after them that can be read (or the spool's end). */
        public long resumeAt() {
            return resumeAt;
        }
    }

    /**
     * Entries from {@code from} on, at most {@code max}; waits up to {@code waitMs} for the first.
     * Reading stops before bytes that are no entry; when they come first, {@link UnreadableEntry}
     * says where they are and where reading can go on.
     */
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
                    long size = ch.size();
                    if (pos >= size) {
                        Long next = segments.higherKey(segment.getKey());
                        if (next == null) {
                            break;
                        }
                        offset = next;
                        continue;
                    }
                    while (pos < size && reads.size() < max) {
                        long at = segment.getKey() + pos;
                        byte[] payload;
                        SpoolEntry entry;
                        try {
                            payload = checkedPayload(ch, pos, size);
                            entry = SpoolEntry.fromBytes(payload);
                        } catch (IOException | RuntimeException unreadable) {
                            if (!reads.isEmpty()) {
                                return reads; // what was good first; the next read starts at these bytes
                            }
                            throw new UnreadableEntry("the spool entry at offset " + at + " in " + segment.getValue()
                                    + " cannot be read (" + unreadable.getMessage() + ")", at, resumeAfter(segment, ch, pos, size));
                        }
                        int checksum = checksumOf(payload);
                        pos += 8 + payload.length;
                        reads.add(new Read(entry, segment.getKey() + pos, checksum));
                    }
                    offset = segment.getKey() + pos;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool " + dir, e);
        }
        return reads;
    }

    /**
     * Whether an entry starts at {@code offset} (or the spool ends there): an offset the shipper
     * committed for this spool always is one. Only record headers are read.
     */
    public synchronized boolean isEntryStart(long offset) {
        if (offset == end) {
            return true;
        }
        if (segments.isEmpty() || offset < segments.firstKey() || offset > end) {
            return false;
        }
        Map.Entry<Long, Path> segment = segments.floorEntry(offset);
        try (FileChannel ch = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            while (pos < offset - segment.getKey()) {
                int length = recordLength(ch, pos);
                if (length <= 0 || pos + 8 + length > size) {
                    return false;
                }
                pos += 8 + length;
            }
            return pos == offset - segment.getKey();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool " + dir, e);
        }
    }

    /**
     * The checksum of the entry that ends at {@code offset}, when the spool still holds it: one
     * written again after a rollback (a restored snapshot, writes the disk lost) has another.
     * {@code null} when no entry ends there or it was released.
     */
    public synchronized Integer checksumOfEntryEndingAt(long offset) {
        if (segments.isEmpty() || offset <= segments.firstKey() || offset > end) {
            return null;
        }
        Map.Entry<Long, Path> segment = segments.lowerEntry(offset);
        try (FileChannel ch = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            while (pos < size) {
                int length = recordLength(ch, pos);
                if (length <= 0 || pos + 8 + length > size) {
                    return null;
                }
                if (segment.getKey() + pos + 8 + length == offset) {
                    ByteBuffer checksum = ByteBuffer.allocate(4);
                    ch.read(checksum, pos + 4);
                    return checksum.flip().getInt();
                }
                pos += 8 + length;
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool " + dir, e);
        }
    }

    private static int checksumOf(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** The payload of the record at {@code pos}, once its length and checksum hold. */
    private static byte[] checkedPayload(FileChannel ch, long pos, long size) throws IOException {
        if (pos + 8 > size) {
            throw new IOException("its header runs past the segment's end");
        }
        ByteBuffer header = ByteBuffer.allocate(8);
        ch.read(header, pos);
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        // An entry is never empty: a length of 0 is bytes that were never written (a file a crash
        // extended with zeros), whose checksum, that of nothing, would hold.
        if (length <= 0 || pos + 8 + length > size) {
            throw new IOException("its length " + length + " is no entry's or runs past the segment's end");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        ch.read(payload, pos + 8);
        if (checksumOf(payload.array()) != crc) {
            throw new IOException("its checksum fails: the bytes changed on disk after they were written");
        }
        return payload.array();
    }

    /** The length a record's header at {@code pos} gives, -1 when the segment ends before it does. */
    private static int recordLength(FileChannel ch, long pos) throws IOException {
        if (pos + 4 > ch.size()) {
            return -1;
        }
        ByteBuffer length = ByteBuffer.allocate(4);
        ch.read(length, pos);
        return length.flip().getInt();
    }

    /**
     * Where reading can go on after the unreadable record at {@code pos}: just past it when its
     * length leads to the segment's end or to a record whose checksum holds (so only its contents
     * changed); otherwise no later record of the segment can be found, and reading goes on at the
     * next segment. In the tail segment that is a new segment begun here, so that what is appended
     * from now on can be read.
     */
    private long resumeAfter(Map.Entry<Long, Path> segment, FileChannel ch, long pos, long size) throws IOException {
        int length = recordLength(ch, pos);
        long past = pos + 8 + (long) length;
        if (length > 0 && past <= size && (past == size || isRecordAt(ch, past, size))) {
            return segment.getKey() + past;
        }
        Long next = segments.higherKey(segment.getKey());
        if (next != null) {
            return next;
        }
        tail.close();
        openTail(end);
        return end;
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

    /**
     * This spool's id: random, made when the spool is, kept in {@code spool-id} (0600) beside it.
     * Its offsets mean something only for it, so it names them in Kafka: hosts cloned with one host
     * name have spools of their own and so ids of their own, and a wiped spool starts a new id.
     */
    public String id() {
        return id;
    }

    /** Whether this spool held entries before it had an id: written by a Culprit that named its offsets by host alone. */
    public boolean predatesId() {
        return predatesId;
    }

    private void readOrCreateId() throws IOException {
        Path file = dir.resolve(ID);
        if (Files.exists(file)) {
            id = OwnerOnlyFile.read(file).trim();
            return;
        }
        // Written whole or not at all (a crash in between leaves only the .tmp file): an empty id
        // would name every crashed spool's offsets alike.
        Path tmp = dir.resolve(ID + ".tmp");
        Files.deleteIfExists(tmp);
        String made = RandomSecret.generate();
        OwnerOnlyFile.create(tmp, made);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        id = made;
        predatesId = !segments.isEmpty();
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

    /**
     * Reads a segment's valid records; returns the byte length they span. A record that fails its
     * checksum ends them (a torn write: a crash mid-append), unless a whole record follows it: then
     * the disk changed it later, and it stays for the reader to report ({@link UnreadableEntry}).
     */
    private static long scan(Path segment, java.util.function.Consumer<SpoolEntry> each) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long pos = 0;
            long size = ch.size();
            while (pos + 8 <= size) {
                byte[] payload;
                try {
                    payload = checkedPayload(ch, pos, size);
                } catch (IOException unreadable) {
                    long past = pos + 8 + (long) recordLength(ch, pos);
                    if (past <= pos + 8 || !isRecordAt(ch, past, size)) {
                        break;
                    }
                    pos = past;
                    continue;
                }
                try {
                    each.accept(SpoolEntry.fromBytes(payload));
                } catch (IOException | RuntimeException undecodable) {
                    // whole and checksummed, so it stays: the shipper sends it on as a dead letter
                }
                pos += 8 + payload.length;
            }
            return pos;
        }
    }

    private static boolean isRecordAt(FileChannel ch, long pos, long size) throws IOException {
        try {
            checkedPayload(ch, pos, size);
            return true;
        } catch (IOException notARecord) {
            return false;
        }
    }

    private static long baseOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring("segment-".length(), name.length() - ".log".length()));
    }
}
