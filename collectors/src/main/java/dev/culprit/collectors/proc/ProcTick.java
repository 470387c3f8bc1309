package dev.culprit.collectors.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One tick's reads of a proc root: a host-wide file ({@code uptime}, {@code diskstats},
 * {@code meminfo}...) is read once however many samplers need it, so that the host and process
 * samplers measure the same interval from the same bytes, and a tick costs one read of each.
 */
public final class ProcTick {

    private final Path root;
    /** Per file: its bytes, or the IOException reading it gave. */
    private final Map<String, Object> read = new HashMap<>();

    public ProcTick(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The file's bytes; every caller gets the same failure when it could not be read. */
    byte[] bytes(String relative) throws IOException {
        Object result = read.computeIfAbsent(relative, file -> {
            try {
                return Files.readAllBytes(root.resolve(file));
            } catch (IOException e) {
                return e;
            }
        });
        if (result instanceof IOException e) {
            throw e;
        }
        return (byte[]) result;
    }
}
