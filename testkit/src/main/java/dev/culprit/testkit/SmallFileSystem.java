package dev.culprit.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file system of a few MiB of its own (a tmpfs mounted on a test's directory), for tests of a full
 * disk that fill no one else's. Mounting needs root, as CI has; {@link #mount} says whether it could.
 */
public final class SmallFileSystem implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /** A tmpfs of {@code mebibytes} on {@code mountPoint}, or null when this machine does not let the test mount one. */
    public static SmallFileSystem mount(Path mountPoint, int mebibytes) throws IOException, InterruptedException {
        int exit = run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", mountPoint.toString());
        return exit == 0 ? new SmallFileSystem(mountPoint) : null;
    }

    public Path root() {
        return mountPoint;
    }

    /**
     * Writes a filler file until the file system has no room left ("No space left on device"), not
     * even a byte: a block that did not fit may leave less than itself free, and a small write
     * (a database's one commit) would still succeed there.
     */
    public void fill() throws IOException {
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int block : new int[] {64 * 1024, 4096, 1}) {
                writeUntilFull(out, new byte[block]);
            }
        }
    }

    private static void writeUntilFull(OutputStream out, byte[] block) {
        try {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // no room for another block of this size
        }
    }

    /** Gives the room taken by {@link #fill} back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", mountPoint.toString());
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
