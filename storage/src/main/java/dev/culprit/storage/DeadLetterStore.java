package dev.culprit.storage;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Schema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The dead letters the pipeline saw on {@code culprit.deadletter}: lines a collector could not
 * parse, records the job could not read. Writes are idempotent, so one redelivered after a restart
 * adds no row.
 */
public final class DeadLetterStore {

    private final Database db;

    public DeadLetterStore(Database db) {
        this.db = db;
    }

    /** Which dead letters to list: made at or after {@code sinceTs}, from one source (null: any), the newest {@code limit}. */
    public record Filter(long sinceTs, String source, int limit) {}

    public void save(Collection<DeadLetter> deadLetters) {
        if (deadLetters.isEmpty()) {
            return;
        }
        try {
            db.inTransaction(c -> {
                try (PreparedStatement merge = c.prepareStatement(
                        "MERGE INTO dead_letters (digest, host, source, ts, file, file_offset, reason, raw) "
                                + "KEY (digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (DeadLetter d : deadLetters) {
                        merge.setString(1, digest(EventCodec.encodeToString(d)));
                        merge.setString(2, bounded(d.host(), 255));
                        merge.setString(3, bounded(d.source(), 64));
                        merge.setLong(4, d.ts());
                        merge.setString(5, bounded(d.file() == null ? "" : d.file(), 4096));
                        merge.setLong(6, d.offset());
                        merge.setString(7, bounded(d.reason(), 2000));
                        merge.setString(8, d.raw());
                        merge.addBatch();
                    }
                    merge.executeBatch();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + deadLetters.size() + " dead letter(s) in " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** Whether this database has the dead-letter table: one last migrated by an older Culprit has not. */
    public boolean keepsDeadLetters() {
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
                     + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = 'DEAD_LETTERS'");
             ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read database " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** The newest dead letters that match, newest first. */
    public List<DeadLetter> list(Filter filter) {
        String sql = "SELECT host, source, ts, file, file_offset, reason, raw FROM dead_letters WHERE ts >= ?"
                + (filter.source() == null ? "" : " AND LOWER(source) = LOWER(?)") + " ORDER BY ts DESC, file, file_offset DESC LIMIT ?";
        List<DeadLetter> found = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement q = c.prepareStatement(sql)) {
            int i = 1;
            q.setLong(i++, filter.sinceTs());
            if (filter.source() != null) {
                q.setString(i++, filter.source());
            }
            q.setInt(i, filter.limit());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    found.add(new DeadLetter(rs.getString(1), rs.getString(2), rs.getLong(3), Schema.VERSION,
                            rs.getString(4), rs.getLong(5), rs.getString(6), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read dead letters from " + db.url() + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** Retention: deletes the dead letters made before {@code cutoffTs}; returns how many went. */
    public int deleteOlderThan(long cutoffTs) {
        return db.deleteOlderThan("dead_letters", cutoffTs);
    }

    /** Host fields are bounded where they are made; a column's limit must still not fail a whole batch. */
    private static String bounded(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String digest(String payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
