package dev.culprit.collectors.apache;

import dev.culprit.events.access.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * A user and password for a server-status page behind HTTP basic auth, written
 * {@code user:password} (as for {@code curl -u}) in an environment variable or a file, so that
 * config files name where the secret is, never the secret. {@link #toString()} hides both parts:
 * these values must never reach a log or an event.
 */
public record BasicCredentials(String user, String password) {

    /** Reads {@code user:password} from the named variable of {@code environment}. */
    public static BasicCredentials fromEnvironment(String variable, Map<String, String> environment) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set; it should hold user:password");
        }
        return parse(value.strip(), "environment variable " + variable);
    }

    /** Reads {@code user:password} from the file's first line; the file must be its owner's alone (mode 0600 or stricter). */
    public static BasicCredentials fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("credentials file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        // a password every local user can read is no secret, and a DoS on this host may well run as one of them
        OwnerOnlyFile.checkPrivate(file);
        return parse(text.lines().findFirst().orElse("").strip(), "credentials file " + file);
    }

    private static BasicCredentials parse(String userColonPassword, String origin) {
        int colon = userColonPassword.indexOf(':');
        if (colon <= 0) {
            // The value itself is not quoted: it may be the password alone.
            throw new IllegalArgumentException(origin + " should hold user:password, and has no user before a ':'");
        }
        return new BasicCredentials(userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
    }

    /** The value of the {@code Authorization} header. */
    String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicCredentials[redacted]";
    }
}
