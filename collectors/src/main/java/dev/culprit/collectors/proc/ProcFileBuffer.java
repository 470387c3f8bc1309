package dev.culprit.collectors.proc;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the small files of {@code /proc/PID/} into one buffer kept across reads. A scan reads two
 * files of each of a host's thousand-odd processes every second; {@link java.nio.file.Files#readAllBytes}
 * costs an array, a channel and an fstat per file, and on such a host that was most of the
 * collector's CPU time beside what the kernel itself spends printing the files. Not thread-safe:
 * one per sampler.
 */
final class ProcFileBuffer {

    private byte[] buffer = new byte[4096];

    /** The file's text; comm and cmdline are bytes, not always UTF-8, so a bad byte becomes U+FFFD instead of an error. */
    String read(Path file) throws IOException {
        int length = 0;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            int n;
            while ((n = in.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
        }
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }
}
