package dev.culprit.storage;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.api.ErrorCode;

/**
 * Where a database is and who connects to it: enough for a writer in a Flink task to reconnect
 * after a restore. Connections never take a login from the URL: {@link ExistingDatabaseUrl}
 * refuses {@code USER} and {@code PASSWORD} settings.
 */
public record DatabaseAccess(String url, DatabaseLogin login) implements Serializable {

    public Connection connect() throws SQLException {
        H2Loopback.check();
        try {
            return DriverManager.getConnection(url, login.user(), login.password());
        } catch (SQLException e) {
            if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
                // H2's "may be already in use ... use the server mode" leaves the operator guessing who and why
                throw new SQLException("the database is held open by another program that does not share it (one that opened "
                        + "the file without AUTO_SERVER=TRUE, such as H2's shell on a plain file URL): close that program, or have "
                        + "it use `culprit console` or the URL " + url + "; H2 said: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return url + " as " + login.user();
    }
}
