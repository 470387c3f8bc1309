package dev.culprit.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The H2 database: where it lives, and its schema, migrated to this build's version when opened.
 * A database written by a newer Culprit is refused rather than misread.
 */
public final class Database {

    /** Migrations in order; {@code V<n>__*.sql} brings the schema to version n. */
    static final List<String> MIGRATIONS = List.of("V1__incidents.sql", "V2__raw_events.sql");

    public static final int SCHEMA_VERSION = MIGRATIONS.size();

    private final String url;

    private Database(String url) {
        this.url = url;
    }

    /**
     * The embedded database file {@code <dataDir>/<name>.mv.db}. {@code AUTO_SERVER} lets
     * {@code culprit query} in another process read it while the pipeline writes. The process
     * that opened it first serves it until it exits ({@code DB_CLOSE_DELAY=-1}): were it to close
     * the file whenever its last connection closed, the serving process would change under the
     * others' feet, and a writer could find the file locked by a server that has just gone.
     * {@code AUTO_RECONNECT} carries the others over when the serving process does exit.
     */
    public static String fileUrl(Path dataDir, String name) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(name) + ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE;DB_CLOSE_DELAY=-1";
    }

    /** Opens the database at a JDBC URL and migrates it to this build's schema. */
    public static Database open(String url) {
        Database db = new Database(url);
        db.migrate();
        return db;
    }

    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    /** One migration at a time in this JVM: parallel sink writers open the same file at once. */
    private static final Object MIGRATION_LOCK = new Object();

    private void migrate() {
        synchronized (MIGRATION_LOCK) {
            migrateLocked();
        }
    }

    private void migrateLocked() {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL, applied_ts BIGINT NOT NULL)");
            int current = 0;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > SCHEMA_VERSION) {
                throw new IllegalStateException("database " + url + " has schema version " + current
                        + ", newer than this Culprit understands (" + SCHEMA_VERSION + "): upgrade Culprit or use another --data-dir");
            }
            c.setAutoCommit(false);
            for (int v = current + 1; v <= SCHEMA_VERSION; v++) {
                for (String sql : statements(MIGRATIONS.get(v - 1))) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO schema_version VALUES (" + v + ", " + System.currentTimeMillis() + ")");
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + url + ": " + e.getMessage(), e);
        }
    }

    private static List<String> statements(String migration) {
        String path = "/db/migration/" + migration;
        try (InputStream in = Database.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> statements = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.trim().startsWith("--")) {
                    continue;
                }
                sb.append(line).append('\n');
                if (line.trim().endsWith(";")) {
                    statements.add(sb.toString().trim().replaceAll(";$", ""));
                    sb.setLength(0);
                }
            }
            return statements;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
