package dev.culprit.storage;

import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.events.access.RandomSecret;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The three H2 logins of a Culprit data directory, kept in a file only its owner can read:
 * {@code admin} migrates the schema and manages the other two; {@code pipeline} reads and writes
 * rows and nothing else; {@code reader} only reads (every read-only command, the console).
 */
public record DatabaseLogins(DatabaseLogin admin, DatabaseLogin pipeline, DatabaseLogin reader) {

    static final String ADMIN_USER = "CULPRIT_ADMIN";
    static final String PIPELINE_USER = "CULPRIT";
    static final String READER_USER = "CULPRIT_READER";

    /** Fresh logins with random passwords. */
    static DatabaseLogins generate() {
        return new DatabaseLogins(
                new DatabaseLogin(ADMIN_USER, RandomSecret.generate()),
                new DatabaseLogin(PIPELINE_USER, RandomSecret.generate()),
                new DatabaseLogin(READER_USER, RandomSecret.generate()));
    }

    /** Reads the logins file, refusing it if anyone but its owner could read it. */
    public static DatabaseLogins read(Path file) {
        Properties p = OwnerOnlyFile.readProperties(file);
        return new DatabaseLogins(login(p, file, "admin"), login(p, file, "pipeline"), login(p, file, "reader"));
    }

    /** Writes a new logins file, mode 0600. */
    void create(Path file) {
        OwnerOnlyFile.create(file, "# Culprit's H2 logins for the databases in this data directory. Owner only: never share this file.\n"
                + entry("admin", admin) + entry("pipeline", pipeline) + entry("reader", reader));
    }

    private static String entry(String role, DatabaseLogin login) {
        return role + ".user=" + login.user() + "\n" + role + ".password=" + login.password() + "\n";
    }

    private static DatabaseLogin login(Properties p, Path file, String role) {
        String user = p.getProperty(role + ".user");
        String password = p.getProperty(role + ".password");
        if (user == null || password == null || password.isEmpty()) {
            throw new IllegalStateException(file + ": " + role + ".user and " + role + ".password are required");
        }
        return new DatabaseLogin(user.trim(), password.trim());
    }
}
