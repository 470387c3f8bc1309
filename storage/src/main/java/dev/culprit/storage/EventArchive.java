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

    /** Reads a whole archive; a file that is not one is an {@link UnusableArchive} naming the file (and line). */
    public static List<Event> read(Path file) {
        if (Files.isDirectory(file)) {
            throw new UnusableArchive(file + ": is a directory; " + EXPECTED, null);
        }
        try {
            if (Files.size(file) == 0) {
                throw new UnusableArchive(file + ": empty; " + EXPECTED, null);
            }
            return read(Files.newInputStream(file), file.toString());
        } catch (IOException e) {
            throw new UnusableArchive(file + ": cannot read: " + reason(e), e);
        }
    }

    /** Reads a whole archive from a stream (closed when done); {@code file} names it in errors. */
    public static List<Event> read(java.io.InputStream gzipped, String file) {
        List<Event> events = new ArrayList<>();
        int lineNo = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(gzipped(gzipped, file), StandardCharsets.UTF_8))) {
            String header = in.readLine();
            lineNo = 1;
            if (header == null || !FORMAT.equals(headerField(header, "format"))) {
                throw new UnusableArchive(file + ":1: no culprit-archive header; " + EXPECTED, null);
            }
            if (!String.valueOf(VERSION).equals(headerField(header, "version"))) {
                throw new UnusableArchive(file + ":1: archive version " + headerField(header, "version")
                        + " is not one this Culprit reads (" + VERSION + ")", null);
            }
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                events.add(event(line, file, lineNo));
            }
        } catch (java.io.EOFException e) {
            throw new UnusableArchive(file + ": cut short" + (lineNo == 0 ? "" : " after line " + lineNo)
                    + " (its gzip data ends early: was the file copied whole?)", e);
        } catch (java.util.zip.ZipException e) {
            throw new UnusableArchive(file + ": corrupt gzip data after line " + lineNo + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UnusableArchive(file + ": cannot read: " + reason(e), e);
        }
        return events;
    }

    private static java.io.InputStream gzipped(java.io.InputStream in, String file) throws IOException {
        try {
            return new GZIPInputStream(in);
        } catch (java.util.zip.ZipException e) {
            in.close();
            throw new UnusableArchive(file + ": not gzip-compressed; " + EXPECTED, e);
        } catch (java.io.EOFException e) {
            in.close();
            throw new UnusableArchive(file + ": cut short inside its gzip header; " + EXPECTED, e);
        }
    }

    /** One line's event: {@code {"topic":"culprit.cpu","event":{...}}}. */
    private static Event event(String line, String file, int lineNo) {
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
