package dev.culprit.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.culprit.events.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven over the DevTools protocol with the JDK's own WebSocket client.
 * Not {@code --dump-dom} with a virtual time budget: that cannot wait for a stream's next event
 * nor act between two reads (publish an alert after the page has loaded, then look again), and
 * its timing is the browser's guess. Over the protocol the test asks the page's DOM directly, as
 * often as it likes, and sets the Basic login once as a header that every request of the page
 * carries, its script's and its EventSource's included.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** The browser's executable, or null when this machine has none. */
    static Path executable() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    static HeadlessChromium start(Path executable, Path profile, int width, int height) throws Exception {
        Path log = profile.resolve("chromium.log");
        Files.createDirectories(profile);
        Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--hide-scrollbars", "--disable-extensions", "--remote-debugging-port=0",
                "--user-data-dir=" + profile.resolve("profile"), "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String browserUrl = null;
            for (long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos(); browserUrl == null; Thread.sleep(50)) {
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) {
                    browserUrl = m.group(2);
                } else if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("chromium did not start its DevTools endpoint: " + Files.readString(log));
                }
            }
            HttpClient http = HttpClient.newHttpClient();
            String pageUrl = null;
            for (JsonNode target : EventCodec.mapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + browserUrl + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body())) {
                if ("page".equals(target.path("type").asText())) {
                    pageUrl = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageUrl == null) {
                throw new IllegalStateException("chromium shows no page to drive");
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            StringBuilder partial = new StringBuilder();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        self[0].received(partial.toString());
                        partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, socket);
            self[0].call("Page.enable", Map.of());
            self[0].call("Network.enable", Map.of());
            return self[0];
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private void received(String message) {
        try {
            JsonNode json = EventCodec.mapper().readTree(message);
            if (json.has("id")) {
                CompletableFuture<JsonNode> answer = answers.remove(json.get("id").asInt());
                if (answer != null) {
                    if (json.has("error")) {
                        answer.completeExceptionally(new IllegalStateException(json.get("error").toString()));
                    } else {
                        answer.complete(json.get("result"));
                    }
                }
            } else {
                events.add(json.path("method").asText());
            }
        } catch (IOException e) {
            throw new IllegalStateException("not JSON from chromium: " + message, e);
        }
    }

    JsonNode call(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        ObjectNode request = EventCodec.mapper().createObjectNode();
        request.put("id", id);
        request.put("method", method);
        request.set("params", EventCodec.mapper().valueToTree(params));
        socket.sendText(EventCodec.mapper().writeValueAsString(request), true).get(10, TimeUnit.SECONDS);
        return answer.get(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS);
    }

    /** Every request of the page from now on carries this HTTP Basic login. */
    void login(String user, String password) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        call("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic " + basic)));
    }

    /** Opens {@code url} and waits for its load event: parsed, styled, scripts run. */
    void open(String url) throws Exception {
        events.clear();
        call("Page.navigate", Map.of("url", url));
        for (long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos(); ; ) {
            String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new IllegalStateException("no load event from " + url + " within " + ANSWER_WITHIN);
            }
            if (event.equals("Page.loadEventFired")) {
                return;
            }
        }
    }

    /** The value of a JavaScript expression in the page, as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + " threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Light or dark, as the page's {@code prefers-color-scheme} sees it. */
    void colourScheme(String scheme) throws Exception {
        call("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** What the window shows, as a PNG. */
    void screenshot(Path file) throws Exception {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser is killed next anyway
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
