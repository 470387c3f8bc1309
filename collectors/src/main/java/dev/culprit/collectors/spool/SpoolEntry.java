package dev.culprit.collectors.spool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.EventCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One atomic unit of the spool: the Kafka records made from a batch of input, and — for tailed
 * logs — the file positions reached by that batch. Writing both in one append is what makes a
 * restart resume exactly after the last line that was spooled.
 *
 * <p>On disk an entry is binary: the records' value bytes are the events' JSON exactly as the
 * shipper will send them, so nothing is encoded twice between a log line and Kafka.
 */
public record SpoolEntry(List<EncodedEvent> records, Map<String, FilePosition> positions) {

    /** The first byte of an entry in this layout; entries of Culprit before it were a JSON object ('{'). */
    private static final byte BINARY = 1;
    /** The fewest bytes a record takes in this layout: empty topic and host (2 + 2), ts (8), value length (4). */
    private static final int MIN_RECORD_BYTES = 16;
    /** The fewest bytes a file position takes: an empty file name (2), inode (8), offset (8). */
    private static final int MIN_POSITION_BYTES = 18;

    public SpoolEntry {
        records = List.copyOf(records);
        positions = Map.copyOf(positions);
    }

    byte[] toBytes() {
        int size = 1 + 8;
        for (EncodedEvent r : records) {
            size += r.value().length + 32;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(BINARY);
            out.writeInt(records.size());
            for (EncodedEvent r : records) {
                out.writeUTF(r.topic());
                out.writeUTF(r.host());
                out.writeLong(r.ts());
                out.writeInt(r.value().length);
                out.write(r.value());
            }
            out.writeInt(positions.size());
            for (Map.Entry<String, FilePosition> p : positions.entrySet()) {
                out.writeUTF(p.getKey());
                out.writeLong(p.getValue().inode());
                out.writeLong(p.getValue().offset());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot lay out a spool entry in memory", e);
        }
        return bytes.toByteArray();
    }

    static SpoolEntry fromBytes(byte[] bytes) throws IOException {
        if (bytes.length > 0 && bytes[0] == '{') {
            return fromOlderJson(bytes);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte layout = in.readByte();
            if (layout != BINARY) {
                throw new IOException("spool entry of unknown layout " + layout);
            }
            // Counts and lengths are checked against the bytes left before anything is allocated for
            // them: an entry written wrong must fail here, not ask for gigabytes (OutOfMemoryError).
            int count = countAtMost(in.readInt(), in.available() / MIN_RECORD_BYTES, "records");
            List<EncodedEvent> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String topic = in.readUTF();
                String host = in.readUTF();
                long ts = in.readLong();
                byte[] value = new byte[countAtMost(in.readInt(), in.available(), "value bytes")];
                in.readFully(value);
                records.add(new EncodedEvent(topic, host, ts, value));
            }
            int positionCount = countAtMost(in.readInt(), in.available() / MIN_POSITION_BYTES, "file positions");
            Map<String, FilePosition> positions = new HashMap<>();
            for (int i = 0; i < positionCount; i++) {
                positions.put(in.readUTF(), new FilePosition(in.readLong(), in.readLong()));
            }
            return new SpoolEntry(records, positions);
        }
    }

    private static int countAtMost(int count, int room, String what) throws IOException {
        if (count < 0 || count > room) {
            throw new IOException("spool entry claims " + count + " " + what + " where " + room + " can be");
        }
        return count;
    }

    /**
     * A spool left by an older Culprit (records as JSON with the event JSON as a string inside)
     * still ships after an upgrade, so an outage spanning the upgrade loses nothing.
     */
    private static SpoolEntry fromOlderJson(byte[] bytes) throws IOException {
        JsonNode entry = EventCodec.mapper().readTree(bytes);
        List<EncodedEvent> records = new ArrayList<>();
        for (JsonNode r : entry.path("records")) {
            records.add(new EncodedEvent(r.path("topic").asText(), r.path("key").asText(), r.path("ts").asLong(),
                    r.path("value").asText().getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, FilePosition> positions = new HashMap<>();
        entry.path("positions").fields().forEachRemaining(p ->
                positions.put(p.getKey(), new FilePosition(p.getValue().path("inode").asLong(), p.getValue().path("offset").asLong())));
        return new SpoolEntry(records, positions);
    }
}
