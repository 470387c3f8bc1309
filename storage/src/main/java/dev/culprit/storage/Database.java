package dev.culprit.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * The H2 database: where it lives, who connects, and its schema, migrated to this build's version
 * by its admin. A database written by a newer Culprit is refused rather than misread.
 */
public final class Database {

    /**
     * Migrations in order; {@code V<n>__*.sql} brings the schema to version n. The numbers rise but
     * need not be consecutive: migrations written side by side take numbers that do not collide.
     */
    static final List<String> MIGRATIONS = List.of("V1__incidents.sql", "V2__raw_events.sql", "V3__incident_resolution.sql",
            "V5__dead_letters.sql", "V6__raw_events_keyed_by_time.sql", "V7__raw_events_sequence_cache.sql");

    public static final int SCHEMA_VERSION = versionOf(MIGRATIONS.get(MIGRATIONS.size() - 1));

    private static int versionOf(String migration) {
        return Integer.parseInt(migration.substring(1, migration.indexOf("__")));
    }

    private final DatabaseAccess access;
    /** The directory of the database file when it is on this machine's disk, else null. */
    private final Path localDirectory;

    private Database(DatabaseAccess access) {
        this.access = access;
        this.localDirectory = localDirectory(access.url());
    }

    /**
     * The embedded database file {@code <dataDir>/<name>.mv.db}. {@code AUTO_SERVER} lets
     * {@code culprit query} in another process read it while the pipeline writes. The process
     * that opened it first serves it until it exits (the admin sets {@code DB_CLOSE_DELAY -1} on
     * migration): were it to close the file whenever its last connection closed, the serving process
     * would change under the others' feet, and a writer could find the file locked by a server that
     * has just gone. {@code AUTO_RECONNECT} carries the others over when the serving process does exit.
     *
     * <p>The file is reached through H2's {@code async:} file system (an {@code AsynchronousFileChannel}):
     * Flink interrupts a task's thread when it cancels the task, and a thread interrupted in the middle of
     * a write to an ordinary {@code FileChannel} closes the channel for everyone, after which H2 refuses
     * every write in this JVM ("An old transaction with the same id is still open") — the job's sinks then
     * failed on every restart until the job was dead ({@code InterruptedWriterTest}).
     */
    public static String fileUrl(Path dataDir, String name) {
        String path = dataDir.toAbsolutePath().resolve(name).toString();
        if (path.indexOf(';') >= 0) {
            // H2 would read what follows a ';' as URL settings, INIT=RUNSCRIPT among them
            throw new IllegalArgumentException("a data directory path must not contain ';': " + path);
        }
        return "jdbc:h2:async:" + path + ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE";
    }

    /**
     * Migrates the database to this build's schema as its {@code admin}, makes sure {@code pipeline}
     * may read and write its rows (and nothing else) and {@code reader} may only read them, and
     * returns it for the pipeline's use.
     */
    public static Database migrate(DatabaseAccess admin, DatabaseLogin pipeline, DatabaseLogin reader) {
        new Database(admin).migrate(pipeline, reader);
        return new Database(new DatabaseAccess(admin.url(), pipeline));
    }

    /** Work on one connection of this database, committed as one transaction. */
    @FunctionalInterface
    interface Transaction {
        void run(Connection c) throws SQLException;
    }

    /**
     * Free space below which a write to a history on this machine's disk is refused before it
     * reaches H2. H2 (2.5.252) does not survive a write the disk refuses while another is under way:
     * in {@code RawEventSinkTest}'s full-disk case the second writer's rollback after the failed commit spun forever in
     * {@code MVStore.registerVersionUsage} (its version counter one below zero), and so did every
     * statement after it, also once there was room again: the history was wedged until the process
     * ended. Refused here, a write fails like any other and the sinks retry it.
     */
    static final long FREE_SPACE_RESERVE = 8L << 20;

    /**
     * Fails unless the disk under an embedded history has {@link #FREE_SPACE_RESERVE} free; a history
     * on another machine's server ({@code jdbc:h2:tcp:}) is that server's to keep.
     */
    void ensureRoomToWrite() throws SQLException {
        if (localDirectory == null) {
            return;
        }
        long free;
        try {
            free = Files.getFileStore(localDirectory).getUsableSpace();
        } catch (IOException unreadable) {
            return; // H2 itself says what is wrong with the directory
        }
        if (free < FREE_SPACE_RESERVE) {
            throw new SQLException("the disk under " + localDirectory + " has " + free / 1024 + " KiB free, less than the "
                    + (FREE_SPACE_RESERVE >> 20) + " MiB kept in reserve for the history: writes wait until there is room");
        }
    }

    /** The directory of the database file, when the URL names one on this machine. */
    private static Path localDirectory(String url) {
        for (String prefix : List.of("jdbc:h2:async:", "jdbc:h2:file:")) {
            if (url.startsWith(prefix)) {
                String rest = url.substring(prefix.length());
                int settings = rest.indexOf(';');
                Path file = Path.of(settings < 0 ? rest : rest.substring(0, settings)).toAbsolutePath();
                return file.getParent();
            }
        }
        return null;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    void inTransaction(Transaction work) throws SQLException {
        ensureRoomToWrite();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Retention: deletes the rows of {@code table} (one of Culprit's own, whose {@code ts} column is
     * epoch millis) older than {@code cutoffTs}; returns how many went.
     */
    int deleteOlderThan(String table, long cutoffTs) {
        try (Connection c = connect(); PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE ts < ?")) {
            ensureRoomToWrite();
            delete.setLong(1, cutoffTs);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete old rows of " + table + " from " + url() + ": " + e.getMessage(), e);
        }
    }

    /** A database that is already migrated, used with the given login (a sink's, a reader's). */
    public static Database at(DatabaseAccess access) {
        return new Database(access);
    }

    public String url() {
        return access.url();
    }

    public DatabaseAccess access() {
        return access;
    }

    public Connection connect() throws SQLException {
        return access.connect();
    }

    /**
     * Lets the file close once its last connection does, if this process serves it. It is kept open
     * until the JVM exits otherwise ({@code DB_CLOSE_DELAY -1}), and its lock file's watchdog writes the
     * lock file again when it is deleted: a process that stops a pipeline and deletes its data directory
     * (a bench's scratch directory, a test's) found the directory refilled. A process that reaches the
     * file through another's server changes nothing there.
     */
    public void releaseWhenUnused() {
        try (Connection c = connect()) {
            if (c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal served) {
                served.getDatabase().setCloseDelay(0);
            }
        } catch (SQLException e) {
            // a file that cannot be reached is not held open by this process either
        }
    }

    /** One migration at a time in this JVM: parallel sink writers open the same file at once. */
    private static final Object MIGRATION_LOCK = new Object();

    private void migrate(DatabaseLogin pipeline, DatabaseLogin reader) {
        synchronized (MIGRATION_LOCK) {
            migrateLocked(pipeline, reader);
        }
    }

    private void migrateLocked(DatabaseLogin pipeline, DatabaseLogin reader) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            // The process that opened the file first serves it until it exits; only an admin may say so.
            st.execute("SET DB_CLOSE_DELAY -1");
            // A commit reaches the file before it returns, not up to a second later from H2's background
            // writer: a write the disk refuses (full) then fails the commit the sink retries, instead of
            // failing afterwards, when the sink has counted it done and Kafka's offset moved past it.
            st.execute("SET WRITE_DELAY 0");
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL, applied_ts BIGINT NOT NULL)");
            int current = 0;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > SCHEMA_VERSION) {
                throw new IllegalStateException("database " + url() + " has schema version " + current
                        + ", newer than this Culprit understands (" + SCHEMA_VERSION + "): upgrade Culprit or use another --data-dir");
            }
            c.setAutoCommit(false);
            for (String migration : MIGRATIONS) {
                int v = versionOf(migration);
                if (v <= current) {
                    continue;
                }
                for (String sql : statements(migration)) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO schema_version VALUES (" + v + ", " + System.currentTimeMillis() + ")");
            }
            c.commit();
            c.setAutoCommit(true);
            grant(c, pipeline, "SELECT, INSERT, UPDATE, DELETE");
            grant(c, reader, "SELECT");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + url() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A user with these rights on the schema's tables and no admin rights: no {@code CREATE ALIAS},
     * no {@code RUNSCRIPT}, no file functions, no DDL. Its password follows the logins file.
     */
    private static void grant(Connection admin, DatabaseLogin login, String rights) throws SQLException {
        if (login.user().equalsIgnoreCase(admin.getMetaData().getUserName())) {
            return; // one login for everything (a remote H2 that gave us one account)
        }
        String user = quotedName(login.user());
        // one statement at a time: H2 resolves a user named in a statement when it is prepared
        try (PreparedStatement create = admin.prepareStatement("CREATE USER IF NOT EXISTS " + user + " PASSWORD ?")) {
            create.setString(1, login.password());
            create.execute();
        }
        try (PreparedStatement password = admin.prepareStatement("ALTER USER " + user + " SET PASSWORD ?")) {
            password.setString(1, login.password());
            password.execute();
        }
        try (Statement st = admin.createStatement()) {
            st.execute("ALTER USER " + user + " ADMIN FALSE");
            st.execute("GRANT " + rights + " ON SCHEMA PUBLIC TO " + user);
        }
    }

    /** A user name as an H2 quoted identifier; names come from our logins file, never from a host. */
    static String quotedName(String user) {
        if (!user.matches("[A-Za-z][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database user name '" + user + "' must be letters, digits and _");
        }
        return '"' + user + '"';
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
