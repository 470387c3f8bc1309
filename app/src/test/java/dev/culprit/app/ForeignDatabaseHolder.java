package dev.culprit.app;

import dev.culprit.storage.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * Another program holding Culprit's history open without sharing it (as H2's own shell does with a
 * plain file URL), for a test to run Culprit beside: {@code ForeignDatabaseHolder DATA_DIR}.
 */
final class ForeignDatabaseHolder {

    static final String HOLDING = "holding the database";

    private ForeignDatabaseHolder() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Properties logins = new Properties();
        try (var in = Files.newInputStream(dataDir.resolve(DataDirectory.SECRETS).resolve(DataDirectory.DATABASE_LOGINS))) {
            logins.load(in);
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("culprit").toAbsolutePath(),
                logins.getProperty("admin.user"), logins.getProperty("admin.password"))) {
            System.out.println(HOLDING);
            System.out.flush();
            Thread.currentThread().join(); // until killed
        }
    }
}
