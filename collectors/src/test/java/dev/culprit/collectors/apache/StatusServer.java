package dev.culprit.collectors.apache;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A stand-in for Apache on 127.0.0.1: serves {@code /server-status?auto} and
 * {@code /server-status} from queues of pages, one per request, as a real server's pages change
 * between polls. Optionally demands basic auth like a {@code Require user} block would.
 */
final class StatusServer implements AutoCloseable {

    /** One response: status code and body. */
    record Response(int code, String body) {
        static Response page(String body) {
            return new Response(200, body);
        }
    }

    static {
        // Without it the JDK server's small writes meet delayed ACKs: ~40 ms per request, and the
        // fuzz test's thousands of polls would take minutes.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final Deque<Response> autoPages = new ArrayDeque<>();
    private final Deque<Response> htmlPages = new ArrayDeque<>();
    private final List<String> authorizations = new ArrayList<>();
    private String requiredAuthorization;

    StatusServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/server-status", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/server-status");
    }

    synchronized StatusServer auto(Response... pages) {
        autoPages.addAll(List.of(pages));
        return this;
    }

    synchronized StatusServer html(Response... pages) {
        htmlPages.addAll(List.of(pages));
        return this;
    }

    synchronized StatusServer requireAuthorization(String headerValue) {
        requiredAuthorization = headerValue;
        return this;
    }

    synchronized List<String> authorizationsSeen() {
        return List.copyOf(authorizations);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization);
        Response response;
        if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"status\"");
            response = new Response(401, "<html><body><h1>Unauthorized</h1></body></html>");
        } else {
            Deque<Response> pages = "auto".equals(exchange.getRequestURI().getQuery()) ? autoPages : htmlPages;
            response = pages.isEmpty() ? new Response(404, "no page queued") : pages.poll();
        }
        byte[] body = response.body().getBytes(StandardCharsets.ISO_8859_1);
        exchange.sendResponseHeaders(response.code(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
