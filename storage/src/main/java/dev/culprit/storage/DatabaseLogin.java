package dev.culprit.storage;

import java.io.Serializable;

/** One H2 user and its password. {@link #toString()} never shows the password. */
public record DatabaseLogin(String user, String password) implements Serializable {

    public DatabaseLogin {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a database user is missing");
        }
        if (password == null) {
            throw new IllegalArgumentException("the password of database user " + user + " is missing");
        }
    }

    @Override
    public String toString() {
        return user + " (password not shown)";
    }
}
