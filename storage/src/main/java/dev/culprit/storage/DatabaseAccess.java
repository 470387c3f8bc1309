package dev.culprit.storage;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where a database is and who connects to it: enough for a writer in a Flink task to reconnect
 * after a restore. Connections never take a login from the URL: {@link ExistingDatabaseUrl}
 * refuses {@code USER} and {@code PASSWORD} settings.
 */
public record DatabaseAccess(String url, DatabaseLogin login) implements Serializable {

    public Connection connect() throws SQLException {
        H2Loopback.check();
        return DriverManager.getConnection(url, login.user(), login.password());
    }

    @Override
    public String toString() {
        return url + " as " + login.user();
    }
}
