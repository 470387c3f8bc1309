package dev.culprit.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Ports on 127.0.0.1 for the servers Culprit starts itself: the embedded broker and the local cluster's members. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /**
     * {@code count} ports free a moment ago, no two the same: their sockets are held open together
     * while they are picked, since the kernel hands a just-closed ephemeral port out again.
     */
    public static List<Integer> free(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int n = 0; n < count; n++) {
                held.add(new ServerSocket(0, 0, InetAddress.getLoopbackAddress()));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback ports", e);
        } finally {
            held.forEach(s -> {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a listening socket that nothing connected to
                }
            });
        }
    }

    /** Whether something listens on {@code port} of 127.0.0.1 (it accepts a connection within 200 ms). */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
