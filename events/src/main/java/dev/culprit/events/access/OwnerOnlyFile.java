package dev.culprit.events.access;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;

/**
 * A file that holds a secret (a password, a key) and that only its owner may read. Reading one
 * that its group or others can read, or that belongs to another user, is refused: whoever else
 * could read it already has the secret, and a secret that leaked must be replaced, not used.
 */
public final class OwnerOnlyFile {

    /** A secret file with unsafe permissions or owner; the message says how to fix it. */
    public static final class UnsafeSecretFile extends IllegalStateException {
        UnsafeSecretFile(String message) {
            super(message);
        }
    }

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFile() {}

    /** The file's text, once its owner and mode are checked. */
    public static String read(Path file) {
        checkPrivate(file);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** The file's text as Java properties, once its owner and mode are checked. */
    public static Properties readProperties(Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(read(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return properties;
    }

    /** Refuses a secret file that anyone but its owner, this process's user, could read or change. */
    public static void checkPrivate(Path file) {
        PosixFileAttributes attributes = attributes(file);
        Set<PosixFilePermission> shared = EnumSet.copyOf(attributes.permissions());
        shared.retainAll(OTHERS);
        if (!shared.isEmpty()) {
            throw new UnsafeSecretFile("secret file " + file.toAbsolutePath() + " is readable or writable by others (mode "
                    + PosixFilePermissions.toString(attributes.permissions()) + "): its secret may have leaked. "
                    + "Run `chmod 600 " + file.toAbsolutePath() + "` and replace the secret if others could reach it");
        }
        String me = System.getProperty("user.name");
        if (!attributes.owner().getName().equals(me)) {
            throw new UnsafeSecretFile("secret file " + file.toAbsolutePath() + " belongs to " + attributes.owner().getName()
                    + ", not to " + me + " who runs Culprit: run Culprit as its owner, or `chown " + me + " " + file.toAbsolutePath() + "`");
        }
    }

    /** Writes a new secret file, mode 0600 from its first byte (never readable by others, not even briefly). */
    public static void create(Path file, String text) {
        try {
            Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("secret file " + file.toAbsolutePath() + " appeared while Culprit was creating it; not overwriting it", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create secret file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Creates {@code dir} if needed and makes it 0700: everything below it is then its owner's alone. */
    public static void privateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir.toAbsolutePath() + " private to its owner (mode 0700): " + e.getMessage(), e);
        }
    }

    private static PosixFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            throw new UnsafeSecretFile("cannot check who may read " + file.toAbsolutePath() + ": this file system has no POSIX permissions");
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("secret file " + file.toAbsolutePath() + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }
}
