package dev.culprit.events.access;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A new random password for one of Culprit's own logins: 24 bytes from {@link SecureRandom},
 * URL-safe Base64, so it needs no quoting in a JAAS line, a properties file or a URL.
 */
public final class RandomSecret {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomSecret() {}

    public static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
