package dev.culprit.storage;

import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.EventFormatException;
import dev.culprit.events.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The raw host events the pipeline saw, kept as the Kafka JSON they arrived in so that any stretch of them can
 * be cut into a capture archive and replayed. Writes are idempotent: events redelivered after a
 * job restore never add rows.
 */
public final class RawEventStore {

    private final Database db;

    public RawEventStore(Database db) {
        this.db = db;
    }

    /**
     * Stores a batch of events in one transaction and one JDBC batch. Identical events within the
     * batch are separate occurrences and each gets its row; storing the same batch again changes nothing.
     */
    public void save(Collection<? extends Event> events) {
        saveEncoded(events.stream().map(EncodedEvent::of).toList());
    }

    /** {@link #save} for events as they were received: their bytes are kept as they came, not encoded again. */
    public void saveEncoded(Collection<EncodedEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            db.inTransaction(c -> {
                try (PreparedStatement merge = c.prepareStatement(
                        "MERGE INTO raw_events (digest, occurrence, host, topic, ts, payload) "
                                + "KEY (ts, digest, occurrence) VALUES (?, ?, ?, ?, ?, ?)")) {
                    Map<String, Integer> seen = new HashMap<>();
                    for (EncodedEvent e : events) {
                        String digest = digest(e.topic(), e.value());
                        merge.setString(1, digest);
                        merge.setInt(2, seen.merge(digest, 1, Integer::sum) - 1);
                        merge.setString(3, e.host());
                        merge.setString(4, e.topic());
                        merge.setLong(5, e.ts());
                        merge.setString(6, e.json());
                        merge.addBatch();
                    }
                    merge.executeBatch();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + events.size() + " raw event(s) in " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** The events with {@code from <= ts < to}, on one host or all ({@code host} null), in ts order. */
    public List<Event> read(long from, long to, String host) {
        List<Event> events = new ArrayList<>();
        forEach(from, to, host, events::add);
        return events;
    }

    /**
     * Hands over the events with {@code from <= ts < to} one at a time, in ts order (arrival order
     * within one ts), without holding a range that may be days long in memory. Returns how many.
     */
    public long forEach(long from, long to, String host, Consumer<? super Event> action) {
        String sql = "SELECT topic, ts, payload FROM raw_events WHERE ts >= ? AND ts < ?"
                + (host == null ? "" : " AND host = ?") + " ORDER BY ts, seq";
        long n = 0;
        try (Connection c = db.connect(); PreparedStatement q = c.prepareStatement(sql)) {
            q.setLong(1, from);
            q.setLong(2, to);
            if (host != null) {
                q.setString(3, host);
            }
            q.setFetchSize(1000);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    action.accept(decode(rs.getString(1), rs.getLong(2), rs.getString(3)));
                    n++;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read raw events from " + db.url() + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** Retention: deletes the events older than {@code cutoffTs}; returns how many went. */
    public int deleteOlderThan(long cutoffTs) {
        return db.deleteOlderThan("raw_events", cutoffTs);
    }

    private Event decode(String topic, long ts, String payload) {
        try {
            return EventCodec.decode(payload, Topics.typeOf(topic));
        } catch (EventFormatException | IllegalArgumentException e) {
            throw new IllegalStateException("raw event on " + topic + " at ts " + ts + " in " + db.url()
                    + " does not decode: " + e.getMessage(), e);
        }
    }

    private static String digest(String topic, byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(topic.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            return HexFormat.of().formatHex(sha.digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
