package dev.culprit.events.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short, stable name for a text (an id part, a directory name): the first bytes of its SHA-256, in hex. */
public final class ShortDigest {

    private ShortDigest() {}

    /** The first {@code bytes} bytes of the text's SHA-256, as {@code 2 × bytes} hex digits. */
    public static String of(String text, int bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
