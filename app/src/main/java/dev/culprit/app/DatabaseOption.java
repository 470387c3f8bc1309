package dev.culprit.app;

import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.DatabaseLogin;
import dev.culprit.storage.ExistingDatabaseUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which existing history a read-only command opens ({@code query}, {@code capture}, {@code console}):
 * the database under a data directory, as its read-only user, or a remote H2 with a login the
 * operator gives. Never creates a database; refuses URL settings that run code.
 */
final class DatabaseOption {

    /** Where a remote H2's password may come from instead of a file. */
    static final String PASSWORD_VARIABLE = "CULPRIT_DB_PASSWORD";

    static final class Target {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Directory holding culprit.mv.db and its secrets/, where `culprit demo` or `culprit run` ran (default: data).")
        Path dataDir;

        @Option(names = "--db", paramLabel = "JDBC_URL",
                description = "A remote H2 instead, e.g. jdbc:h2:tcp://127.0.0.1:9092/culprit, with --db-user and "
                        + "--db-password-file (or " + PASSWORD_VARIABLE + "). Settings allowed in the URL: "
                        + "AUTO_SERVER, AUTO_RECONNECT, IFEXISTS=TRUE, ACCESS_MODE_DATA=r.")
        String url;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    @Option(names = "--db-user", paramLabel = "NAME", defaultValue = "CULPRIT_READER",
            description = "With --db: the H2 user (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "With --db: a file holding the user's password, readable by its owner only (chmod 600).")
    Path passwordFile;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The database to read and who reads it; a missing database or login is a usage mistake. */
    DatabaseAccess access() {
        if (target != null && target.url != null) {
            String url;
            try {
                url = ExistingDatabaseUrl.of(target.url);
            } catch (ExistingDatabaseUrl.Refused e) {
                throw new ParameterException(spec.commandLine(), "--db: " + e.getMessage());
            }
            return new DatabaseAccess(url, new DatabaseLogin(user, remotePassword()));
        }
        if (passwordFile != null) {
            throw new ParameterException(spec.commandLine(), "--db-password-file goes with --db; under a data directory "
                    + "the logins are in its " + DataDirectory.SECRETS + "/" + DataDirectory.DATABASE_LOGINS);
        }
        Path dir = dataDir();
        if (!Files.isRegularFile(dir.resolve("culprit.mv.db"))) {
            throw new ParameterException(spec.commandLine(), "no Culprit database in " + dir.toAbsolutePath()
                    + " (looked for culprit.mv.db): give the --data-dir `culprit demo` used, or --db");
        }
        try {
            return DataDirectory.existing(dir).reader("culprit");
        } catch (IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Where the history is, for messages. */
    String where() {
        return target != null && target.url != null ? target.url : dataDir().resolve("culprit.mv.db").toString();
    }

    /** The data directory read, when the history is under one (no --db). */
    Path dataDir() {
        return target != null && target.dataDir != null ? target.dataDir : Path.of("data");
    }

    private String remotePassword() {
        if (passwordFile != null) {
            try {
                return OwnerOnlyFile.read(passwordFile).strip();
            } catch (IllegalStateException e) {
                throw new ParameterException(spec.commandLine(), "--db-password-file: " + e.getMessage());
            }
        }
        String fromEnvironment = System.getenv(PASSWORD_VARIABLE);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        throw new ParameterException(spec.commandLine(), "--db needs the password of " + user
                + ": --db-password-file FILE (chmod 600) or the environment variable " + PASSWORD_VARIABLE);
    }
}
