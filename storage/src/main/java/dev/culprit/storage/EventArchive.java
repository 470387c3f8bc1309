package dev.culprit.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.EventFormatException;
import dev.culprit.events.Topics;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Culprit's capture archive: gzip'd JSON lines. The first line is a header
 * {@code {"format":"culprit-archive","version":1}}; every other line is one event as it travels on
 * Kafka, with its topic: {@code {"topic":"culprit.phpmail","event":{...}}}. Replay reads it back
 * in file order; events carry their own event time.
 */
public final class EventArchive {

    public static final String FORMAT = "culprit-archive";
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = EventCodec.mapper();

    private EventArchive() {}

    /** Writes events to a new archive, one line each. */
    public static final class Writer implements AutoCloseable {
        private final BufferedWriter out;
        private long written;

        public Writer(Path file) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                out = new BufferedWriter(new OutputStreamWriter(
                        new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8));
                out.write("{\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + "}\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write archive " + file, e);
            }
        }

        public void write(Event event) {
            try {
                // The event's own encoding, written once into its line: no tree in between.
                out.write("{\"topic\":" + JSON.writeValueAsString(Topics.of(event)) + ",\"event\":");
                out.write(EventCodec.encodeToString(event));
                out.write("}\n");
                written++;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write archive", e);
            }
        }

        public long written() {
            return written;
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish archive", e);
            }
        }
    }

    /** Reads a whole archive; a bad line is an error naming the file and line number. */
    public static List<Event> read(Path file) {
        try {
            return read(Files.newInputStream(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read archive " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a whole archive from a stream (closed when done); {@code file} names it in errors. */
    public static List<Event> read(java.io.InputStream gzipped, String file) {
        List<Event> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(gzipped), StandardCharsets.UTF_8))) {
            String header = in.readLine();
            JsonNode h = header == null ? null : JSON.readTree(header);
            if (h == null || !FORMAT.equals(h.path("format").asText())) {
                throw new IllegalArgumentException(file + ": not a Culprit archive (no culprit-archive header)");
            }
            if (h.path("version").asInt() != VERSION) {
                throw new IllegalArgumentException(file + ": archive version " + h.path("version").asInt()
                        + " is not one this Culprit reads (" + VERSION + ")");
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                try {
                    JsonNode node = JSON.readTree(line);
                    Class<? extends Event> type = Topics.typeOf(node.path("topic").asText());
                    events.add(EventCodec.decode(node.get("event"), type));
                } catch (IOException | EventFormatException | IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read archive " + file + ": " + e.getMessage(), e);
        }
        return events;
    }
}
