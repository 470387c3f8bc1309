package dev.culprit.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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

    /** What a capture archive is, for messages about a file that is not one. */
    private static final String EXPECTED = "expected a Culprit capture archive (gzip'd JSON lines from "
            + "`culprit capture` or `culprit collect --out`)";

    private EventArchive() {}

    /**
     * A file that is not a readable capture archive, or a place an archive cannot be written;
     * the message names the file (and line) and what was expected there.
     */
    public static final class UnusableArchive extends IllegalArgumentException {
        UnusableArchive(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes events to a new archive, one line each. */
    public static final class Writer implements AutoCloseable {
        private final BufferedWriter out;
        private long written;

        public Writer(Path file) {
            if (Files.isDirectory(file)) {
                throw new UnusableArchive(file + ": is a directory; expected the name of an archive file to write", null);
            }
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                out = new BufferedWriter(new OutputStreamWriter(
                        new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8));
                out.write("{\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + "}\n");
            } catch (IOException e) {
                throw new UnusableArchive(file + ": cannot write an archive here: " + reason(e), e);
            }
        }

        public void write(Event event) {
            write(dev.culprit.events.EncodedEvent.of(event));
        }

        /** An event already encoded (as a collector sent it): its bytes go in as they are. */
        public void write(dev.culprit.events.EncodedEvent event) {
            try {
                out.write("{\"topic\":" + JSON.writeValueAsString(event.topic()) + ",\"event\":");
                out.write(event.json());
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

    /** Reads a whole archive; a file that is not one is an {@link UnusableArchive} naming the file (and line). */
    public static List<Event> read(Path file) {
        try (Reader reader = open(file)) {
            return reader.rest();
        }
    }

    /** Reads a whole archive from a stream (closed when done); {@code file} names it in errors. */
    public static List<Event> read(java.io.InputStream gzipped, String file) {
        try (Reader reader = new Reader(gzipped, file)) {
            return reader.rest();
        }
    }

    /**
     * Opens an archive to read one event at a time, so that what is held is one line however
     * long the archive; a file that is not one is an {@link UnusableArchive} naming the file (and line).
     */
    public static Reader open(Path file) {
        if (Files.isDirectory(file)) {
            throw new UnusableArchive(file + ": is a directory; " + EXPECTED, null);
        }
        try {
            if (Files.size(file) == 0) {
                throw new UnusableArchive(file + ": empty; " + EXPECTED, null);
            }
            return new Reader(Files.newInputStream(file), file.toString());
        } catch (IOException e) {
            throw new UnusableArchive(file + ": cannot read: " + reason(e), e);
        }
    }

    /** An archive's events in file order, read as they are asked for. */
    public static final class Reader implements AutoCloseable {
        private final BufferedReader in;
        private final String file;
        private int lineNo;

        private Reader(java.io.InputStream gzipped, String file) {
            this.file = file;
            this.in = new BufferedReader(new InputStreamReader(gzipped(gzipped, file), StandardCharsets.UTF_8));
            String header = line();
            if (header == null || !FORMAT.equals(headerField(header, "format"))) {
                close();
                throw new UnusableArchive(file + ":1: no culprit-archive header; " + EXPECTED, null);
            }
            if (!String.valueOf(VERSION).equals(headerField(header, "version"))) {
                close();
                throw new UnusableArchive(file + ":1: archive version " + headerField(header, "version")
                        + " is not one this Culprit reads (" + VERSION + ")", null);
            }
        }

        /** The next event, or null at the end of the archive. */
        public Event next() {
            String line = line();
            return line == null ? null : event(line, file, lineNo);
        }

        /** The line the last event came from, for messages about it. */
        public int lineNumber() {
            return lineNo;
        }

        private List<Event> rest() {
            List<Event> events = new ArrayList<>();
            for (Event e = next(); e != null; e = next()) {
                events.add(e);
            }
            return events;
        }

        private String line() {
            try {
                String line = in.readLine();
                if (line != null) {
                    lineNo++;
                }
                return line;
            } catch (java.io.EOFException e) {
                throw new UnusableArchive(file + ": cut short" + (lineNo == 0 ? "" : " after line " + lineNo)
                        + " (its gzip data ends early: was the file copied whole?)", e);
            } catch (java.util.zip.ZipException e) {
                throw new UnusableArchive(file + ": corrupt gzip data after line " + lineNo + " (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new UnusableArchive(file + ": cannot read: " + reason(e), e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // nothing was written: a failing close of a read loses nothing
            }
        }
    }

    private static java.io.InputStream gzipped(java.io.InputStream in, String file) {
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (java.util.zip.ZipException e) {
            closeQuietly(in);
            throw new UnusableArchive(file + ": not gzip-compressed; " + EXPECTED, e);
        } catch (java.io.EOFException e) {
            closeQuietly(in);
            throw new UnusableArchive(file + ": cut short inside its gzip header; " + EXPECTED, e);
        } catch (IOException e) {
            closeQuietly(in);
            throw new UnusableArchive(file + ": cannot read: " + reason(e), e);
        }
    }

    private static void closeQuietly(java.io.InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // already failing with the reason that matters
        }
    }

    /** One line's event: {@code {"topic":"culprit.cpu","event":{...}}}. */
    private static Event event(String line, String file, int lineNo) {
        Event event = asWritten(line);
        return event != null ? event : eventOfAnyLine(line, file, lineNo);
    }

    /**
     * The event of a line exactly as this archive writes it, the topic first, read in one pass; null
     * for anything else, which {@link #eventOfAnyLine} reads again and explains. Building the line's
     * JSON tree first was the costliest step of sorting an archive for a replay.
     */
    private static Event asWritten(String line) {
        try (JsonParser json = JSON.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT || !"topic".equals(json.nextFieldName())
                    || json.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            Class<? extends Event> type = Topics.typeOf(json.getText());
            if (!"event".equals(json.nextFieldName()) || json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Event event = EventCodec.decode(json, type);
            return json.nextToken() == JsonToken.END_OBJECT && json.nextToken() == null ? event : null;
        } catch (IOException | IllegalArgumentException | EventFormatException e) {
            return null;
        }
    }

    private static Event eventOfAnyLine(String line, String file, int lineNo) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new UnusableArchive(file + ":" + lineNo + ": not a JSON line; expected {\"topic\":...,\"event\":{...}}", e);
        }
        String topic = node.path("topic").asText();
        if (!node.path("event").isObject()) {
            throw new UnusableArchive(file + ":" + lineNo + ": no \"event\" object; expected {\"topic\":...,\"event\":{...}}", null);
        }
        Class<? extends Event> type;
        try {
            type = Topics.typeOf(topic);
        } catch (IllegalArgumentException e) {
            throw new UnusableArchive(file + ":" + lineNo + ": topic '" + topic + "' carries no event this Culprit knows", e);
        }
        try {
            return EventCodec.decode(node.get("event"), type);
        } catch (EventFormatException e) {
            throw new UnusableArchive(file + ":" + lineNo + ": " + e.getMessage(), e);
        }
    }

    /** A header field as text, or "none" when the header is not JSON or lacks it. */
    private static String headerField(String header, String field) {
        try {
            JsonNode value = JSON.readTree(header).get(field);
            return value == null ? "none" : value.asText();
        } catch (IOException e) {
            return "none";
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
