package dev.culprit.collectors.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files a process holds open on disks, and those disks, as {@code lsof} + {@code df} would
 * name them: each {@code /proc/PID/fd/N} link is followed to the device number of the file's
 * filesystem, which {@link MountedDisks} turns into a disk. Pipes, sockets and files on pseudo
 * filesystems ({@code /dev/null} on devtmpfs, tmpfs) name no disk and are left out.
 *
 * @param files at most {@value #MAX_FILES} open files on disks, the likely busiest first: those
 *     open for writing, then those whose offset has gone furthest (a captured tree records
 *     neither, so there they are in fd order)
 */
public record OpenFiles(List<String> disks, List<String> files) {

    static final int MAX_FILES = 5;

    static final OpenFiles NONE = new OpenFiles(List.of(), List.of());
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int O_ACCMODE = 03;
    private static final int O_RDONLY = 0;

    /**
     * Reads the fd links of {@code pid} under {@code procRoot}. A captured tree cannot hold those
     * links, so there {@code PID/fd.txt} (FD, target, major:minor per line, see
     * scripts/capture/README-proc.md) stands in for them. A process or fd that is gone, or links
     * we may not read, give fewer files, never an error.
     */
    public static OpenFiles of(Path procRoot, int pid, MountedDisks mounted) {
        Path pidDir = procRoot.resolve(Integer.toString(pid));
        try {
            List<OpenFile> open = Files.isDirectory(pidDir.resolve("fd"))
                    ? fromLinks(pidDir.resolve("fd"))
                    : fromCapturedList(Files.readString(pidDir.resolve("fd.txt")));
            return onDisks(open, mounted);
        } catch (IOException e) {
            return NONE;
        }
    }

    private static OpenFiles onDisks(List<OpenFile> open, MountedDisks mounted) {
        Set<String> disks = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        for (OpenFile file : open.stream().sorted(OpenFile.BUSIEST_FIRST).toList()) {
            mounted.diskOf(file.device()).ifPresent(disk -> {
                disks.add(disk);
                if (files.size() < MAX_FILES) {
                    files.add(file.target());
                }
            });
        }
        return new OpenFiles(List.copyOf(disks), List.copyOf(files));
    }

    private static List<OpenFile> fromLinks(Path fdDir) throws IOException {
        List<OpenFile> open = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    Map<String, Object> st = Files.readAttributes(fd, "unix:dev,rdev,mode");
                    int type = (Integer) st.get("mode") & S_IFMT;
                    // A disk opened as a device node (dd of=/dev/sdb) is that disk itself, not
                    // the devtmpfs holding the node.
                    if (type == S_IFREG || type == S_IFBLK) {
                        long dev = (Long) st.get(type == S_IFBLK ? "rdev" : "dev");
                        open.add(withUse(new OpenFile(Files.readSymbolicLink(fd).toString(), majorMinor(dev), false, 0),
                                fdDir.resolveSibling("fdinfo").resolve(fd.getFileName())));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed since the listing, or not ours to read: one file fewer
                }
            }
        }
        return open;
    }

    private static List<OpenFile> fromCapturedList(String text) {
        List<OpenFile> open = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3 && f[1].startsWith("/")) {
                open.add(new OpenFile(f[1], f[2], false, 0));
            }
        }
        return open;
    }

    /** Adds the access mode and offset from {@code /proc/PID/fdinfo/N} ({@code pos:} and octal {@code flags:}). */
    private static OpenFile withUse(OpenFile file, Path fdinfo) {
        try {
            long pos = 0;
            boolean writing = false;
            for (String line : Files.readAllLines(fdinfo)) {
                String[] f = line.split(":\\s*", 2);
                if (f.length == 2 && f[0].equals("pos")) {
                    pos = Long.parseLong(f[1].trim());
                } else if (f.length == 2 && f[0].equals("flags")) {
                    writing = (Integer.parseInt(f[1].trim(), 8) & O_ACCMODE) != O_RDONLY;
                }
            }
            return new OpenFile(file.target(), file.device(), writing, pos);
        } catch (IOException | NumberFormatException e) {
            return file;
        }
    }

    /** glibc's encoding of {@code dev_t}: 12 bits of major and 20 of minor, split across the word. */
    static String majorMinor(long dev) {
        long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
        long minor = (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
        return major + ":" + minor;
    }

    private record OpenFile(String target, String device, boolean writing, long position) {
        static final Comparator<OpenFile> BUSIEST_FIRST = Comparator.comparing(OpenFile::writing)
                .thenComparingLong(OpenFile::position)
                .reversed();
    }
}
