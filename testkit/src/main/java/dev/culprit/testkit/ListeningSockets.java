package dev.culprit.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The addresses TCP sockets listen on for a port, as the kernel lists them in
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}: what {@code ss -ltn} shows, so a test sees
 * the real binding rather than what the code meant to ask for.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    /** A listening socket: its port and local address. */
    public record Listener(int port, InetAddress address) {}

    /** Local addresses of the sockets listening on {@code port}; empty when none is. */
    public static List<InetAddress> on(int port) {
        return listeners(inode -> true).stream().filter(l -> l.port() == port).map(Listener::address).toList();
    }

    /** Every socket this JVM listens on, found by the socket inodes among its open files. */
    public static List<Listener> ofThisProcess() {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed between listing and reading it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return listeners(inodes::contains);
    }

    private static List<Listener> listeners(Predicate<String> inode) {
        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> rows = read(file);
            for (String row : rows.subList(1, rows.size())) {
                String[] fields = row.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (fields[3].equals(LISTEN) && inode.test(fields[9])) {
                    listeners.add(new Listener(Integer.parseInt(local[1], 16), address(local[0])));
                }
            }
        }
        return listeners;
    }

    /** The kernel prints each 32-bit word of an address in host (little-endian) order. */
    private static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an address: " + hex, e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
