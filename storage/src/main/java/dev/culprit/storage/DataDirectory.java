package dev.culprit.storage;

import dev.culprit.events.access.OwnerOnlyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

/**
 * A Culprit data directory: its H2 databases ({@code culprit.mv.db}, {@code replay.mv.db}) and the
 * secrets beside them under {@code secrets/}. The directory is its owner's alone (0700), so the
 * database files, H2's lock file (which holds the {@code AUTO_SERVER} address and key) and the
 * broker's log are unreadable to every other local user; the database logins
 * ({@code secrets/database.properties}, 0600) are needed besides to connect at all.
 */
public final class DataDirectory {

    public static final String SECRETS = "secrets";
    public static final String DATABASE_LOGINS = "database.properties";

    /** H2's login before Culprit gave its databases passwords. */
    private static final String EARLIER_ADMIN = "SA";
    private static final int WRONG_USER_OR_PASSWORD = 28000;

    private final Path dir;
    private final DatabaseLogins logins;

    private DataDirectory(Path dir, DatabaseLogins logins) {
        this.dir = dir.toAbsolutePath();
        this.logins = logins;
    }

    /**
     * For the commands that write: creates the directory and its logins on first use; a directory of
     * an earlier Culprit (databases without passwords, files others could read) is secured in place,
     * with one line to {@code notice}.
     */
    public static DataDirectory prepare(Path dir, Consumer<String> notice) {
        boolean existed = Files.isDirectory(dir);
        OwnerOnlyFile.privateDirectory(dir);
        Path secrets = dir.resolve(SECRETS);
        OwnerOnlyFile.privateDirectory(secrets);
        Path file = secrets.resolve(DATABASE_LOGINS);
        DataDirectory data;
        if (Files.exists(file)) {
            data = new DataDirectory(dir, DatabaseLogins.read(file));
        } else {
            data = new DataDirectory(dir, DatabaseLogins.generate());
            boolean earlier = data.securePasswordlessDatabases();
            data.logins.create(file);
            if (existed && earlier) {
                notice.accept("culprit: secured " + data.dir + " from an earlier version: database passwords are in "
                        + file + " (0600), the directory is now 0700");
            }
        }
        data.tightenFiles();
        return data;
    }

    /**
     * For the commands that only read: the directory must already hold Culprit's logins; nothing
     * is created or changed.
     */
    public static DataDirectory existing(Path dir) {
        Path file = dir.resolve(SECRETS).resolve(DATABASE_LOGINS);
        if (!Files.exists(file)) {
            throw new IllegalStateException("no Culprit database logins in " + dir.toAbsolutePath() + " (looked for "
                    + dir.relativize(file) + "): give the --data-dir `culprit demo` or `culprit run` used");
        }
        return new DataDirectory(dir, DatabaseLogins.read(file));
    }

    public Path dir() {
        return dir;
    }

    /** The database file {@code <name>.mv.db}. */
    public Path databaseFile(String name) {
        return dir.resolve(name + ".mv.db");
    }

    /** The database {@code name} for the pipeline: created if missing, migrated, used as the pipeline user. */
    public Database database(String name) {
        DatabaseAccess admin = new DatabaseAccess(Database.fileUrl(dir, name), logins.admin());
        Database db = Database.migrate(admin, logins.pipeline(), logins.reader());
        tightenFiles();
        return db;
    }

    /** The existing database {@code name} as the read-only user; never creates one. */
    public DatabaseAccess reader(String name) {
        return new DatabaseAccess(ExistingDatabaseUrl.of(Database.fileUrl(dir, name)), logins.reader());
    }

    /** The database {@code name} as its admin: migrations and tests only. */
    DatabaseAccess admin(String name) {
        return new DatabaseAccess(Database.fileUrl(dir, name), logins.admin());
    }

    /**
     * Databases an earlier Culprit left with H2's default admin and no password get this
     * directory's admin instead; H2's default admin is dropped, so the old empty login stops working.
     */
    private boolean securePasswordlessDatabases() {
        boolean any = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.mv.db")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.mv\\.db$", "");
                any |= replaceDefaultAdmin(Database.fileUrl(dir, name) + ";IFEXISTS=TRUE");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return any;
    }

    private boolean replaceDefaultAdmin(String url) {
        try (Connection c = new DatabaseAccess(url, new DatabaseLogin(EARLIER_ADMIN, "")).connect();
             PreparedStatement create = c.prepareStatement(
                     "CREATE USER IF NOT EXISTS " + Database.quotedName(logins.admin().user()) + " PASSWORD ? ADMIN")) {
            create.setString(1, logins.admin().password());
            create.execute();
        } catch (SQLException e) {
            if (e.getErrorCode() == WRONG_USER_OR_PASSWORD) {
                return false; // not a passwordless database of ours: leave it alone
            }
            throw new IllegalStateException("cannot secure " + url + ": " + e.getMessage(), e);
        }
        try (Connection c = new DatabaseAccess(url, logins.admin()).connect();
             Statement st = c.createStatement()) {
            st.execute("DROP USER " + EARLIER_ADMIN);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot remove the passwordless login from " + url + ": " + e.getMessage(), e);
        }
        return true;
    }

    /** Files H2 and Kafka created with the default umask become 0600 (the directory already shuts others out). */
    private void tightenFiles() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.db")) {
            for (Path file : files) {
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (NoSuchFileException e) {
                    // a lock or trace file H2 has just removed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict the database files in " + dir + " to their owner: " + e.getMessage(), e);
        }
    }
}
