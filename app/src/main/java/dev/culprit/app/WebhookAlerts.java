package dev.culprit.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.events.text.Durations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts to a webhook from its own thread, with retries, so a slow or dead receiver never
 * holds up detection. A receiver that is down or failing (no connection, 5xx, 429) has each alert
 * retried, 1 s growing to a minute apart, for up to {@code patience} (an hour), while the alerts after
 * it wait in a queue of {@value #QUEUE}; when the queue is full the oldest waiting alert gives way.
 * The outage is warned of when it starts and when the receiver takes alerts again. No alert is lost
 * in silence: the first one that is not delivered is warned about at once, later ones every
 * {@code warnEvery} (a minute), each named by state, kind, severity, host and incident, and
 * {@link #summary()} gives the whole count at exit.
 */
public final class WebhookAlerts implements Consumer<Alert>, AutoCloseable {

    /** What the body looks like. */
    public enum Format {
        /** The alert as Culprit writes it to {@code culprit.alerts}. */
        JSON,
        /** Prometheus Alertmanager's {@code POST /api/v2/alerts} body. */
        ALERTMANAGER
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAlerts.class);
    private static final int QUEUE = 1_000;
    private static final Duration LONGEST_BACKOFF = Duration.ofMinutes(1);
    /** How many lost alerts a warning or the summary names; the rest are counted. */
    private static final int NAMED = 5;
    /** A healthy receiver gets this long at exit to take what is still queued. */
    private static final Duration DRAIN_AT_EXIT = Duration.ofSeconds(10);

    private final URI url;
    private final Format format;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong delivered = new AtomicLong();
    private final Duration firstBackoff;
    private final Duration patience;
    /** When (nanoTime) the receiver's current outage began; 0 while it takes alerts. */
    private long failingSinceNanos;
    private final Duration warnEvery;
    private final Consumer<String> warnings;
    private final Thread sender;
    /** Kept out of every message: the receiver's secret, as the URL's path and query may be. */
    private final String bearerToken;
    private volatile boolean running = true;
    /** Whether the last attempt failed: then exit does not wait for a receiver that is not there. */
    private volatile boolean receiverFailing;

    /** Alerts given up on: how many, the first few named for the summary, and those not yet warned of. */
    private long lostCount;
    private final List<String> firstLost = new ArrayList<>();
    private long freshCount;
    private final List<String> freshLost = new ArrayList<>();
    private long nextWarningNanos = System.nanoTime();

    /** @param bearerToken sent as {@code Authorization: Bearer ...} with every post; null: none */
    public WebhookAlerts(URI url, Format format, String bearerToken) {
        this(url, format, bearerToken, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofMinutes(1), LOG::warn);
    }

    /** @param patience how long one alert is retried before it counts as not delivered */
    WebhookAlerts(URI url, Format format, String bearerToken, Duration firstBackoff, Duration patience, Duration warnEvery,
                  Consumer<String> warnings) {
        this.url = url;
        this.format = format;
        this.bearerToken = bearerToken;
        this.firstBackoff = firstBackoff;
        this.patience = patience;
        this.warnEvery = warnEvery;
        this.warnings = warnings;
        this.sender = new Thread(this::send, "culprit-webhook");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void accept(Alert alert) {
        while (!queue.offer(alert)) {
            Alert oldest = queue.poll();
            if (oldest != null) {
                lose(oldest, "the receiver fell " + QUEUE + " alerts behind");
            }
        }
    }

    public long delivered() {
        return delivered.get();
    }

    /** Alerts given up on: dropped from a full queue, refused on every attempt, or still waiting at exit. */
    public synchronized long undelivered() {
        return lostCount;
    }

    /**
     * For the exit summary: {@code webhook http://host:port: 3 alert(s) delivered, 2 not delivered: FIRING mail critical
     * web1 (incident ...): HTTP 500 after 5 attempts; ...}. Call after {@link #close()}, which counts what was still waiting.
     */
    public synchronized String summary() {
        return "webhook " + receiver() + ": " + delivered.get() + " alert(s) delivered"
                + (lostCount == 0 ? "" : ", " + lostCount + " not delivered: " + named(firstLost, lostCount));
    }

    /**
     * The receiver without path, query or login: a webhook URL often carries its secret (Slack's,
     * a token parameter), and these messages end up in logs.
     */
    private String receiver() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private synchronized void lose(Alert alert, String why) {
        var incident = alert.incident();
        String named = alert.state().name() + " " + EventCodec.mapper().convertValue(incident.kind(), String.class) + " "
                + EventCodec.mapper().convertValue(incident.severity(), String.class) + " "
                + TerminalText.printable(incident.host()) + " (incident " + TerminalText.printable(incident.id()) + "): "
                + TerminalText.printable(why);
        lostCount++;
        freshCount++;
        if (firstLost.size() < NAMED) {
            firstLost.add(named);
        }
        if (freshLost.size() < NAMED) {
            freshLost.add(named);
        }
        if (lostCount == 1) {
            warnOfNewLosses(System.nanoTime()); // the first loss at once; later ones wait for the sender's next round
        }
    }

    /** Warns of the losses not warned of yet, at most once per {@code warnEvery}. */
    private synchronized void warnOfNewLosses(long now) {
        if (freshCount == 0 || now - nextWarningNanos < 0) {
            return;
        }
        boolean first = lostCount == freshCount;
        warnings.accept("webhook " + receiver() + ": " + (first ? "" : freshCount + " more ") + "alert(s) not delivered"
                + (first ? "" : " (" + lostCount + " in all)") + ": " + named(freshLost, freshCount)
                + (first ? "; later losses are named every " + Durations.of(warnEvery.toMillis()) + " and counted at exit" : ""));
        freshCount = 0;
        freshLost.clear();
        nextWarningNanos = now + warnEvery.toNanos();
    }

    private static String named(List<String> some, long of) {
        String names = String.join("; ", some);
        return of > some.size() ? names + "; and " + (of - some.size()) + " more" : names;
    }

    private void send() {
        while (running || !queue.isEmpty()) {
            Alert alert;
            try {
                alert = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (alert != null) {
                deliver(alert);
            }
            warnOfNewLosses(System.nanoTime());
        }
    }

    private void deliver(Alert alert) {
        HttpRequest.Builder post = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(alert)));
        if (bearerToken != null) {
            post.header("Authorization", "Bearer " + bearerToken);
        }
        HttpRequest request = post.build();
        Duration backoff = firstBackoff;
        long firstTry = System.nanoTime();
        int attempts = 0;
        while (true) {
            attempts++;
            String problem;
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    delivered.incrementAndGet();
                    answering();
                    return;
                }
                problem = "HTTP " + status;
                if (status / 100 == 4 && status != 429) {
                    answering();
                    // the receiver refuses this body; asking again will not change its mind
                    lose(alert, problem + " after " + attempts + " attempt(s)");
                    return;
                }
            } catch (java.io.IOException e) {
                // the HTTP client's ConnectException says nothing more than its name
                problem = e instanceof java.net.ConnectException ? "cannot connect"
                        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } catch (InterruptedException e) {
                lose(alert, "Culprit stopped while sending it");
                Thread.currentThread().interrupt();
                return;
            }
            failing(problem);
            long waited = System.nanoTime() - firstTry;
            if (waited + backoff.toNanos() > patience.toNanos()) {
                lose(alert, problem + " for " + String.format(java.util.Locale.ROOT, "%.1f s", waited / 1e9)
                        + " (" + attempts + " attempt(s))");
                return;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                lose(alert, "Culprit stopped while retrying it (" + problem + ")");
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** The receiver failed an attempt: the first failure of an outage is warned of at once. */
    private void failing(String problem) {
        receiverFailing = true;
        if (failingSinceNanos == 0) {
            failingSinceNanos = System.nanoTime();
            warnings.accept("webhook " + receiver() + ": not taking alerts (" + TerminalText.printable(problem) + "); they wait (up to "
                    + QUEUE + ") and are retried for up to " + Durations.of(patience.toMillis()));
        }
    }

    /** The receiver answered: an outage, if there was one, is over. */
    private void answering() {
        receiverFailing = false;
        if (failingSinceNanos != 0) {
            long seconds = Duration.ofNanos(System.nanoTime() - failingSinceNanos).toSeconds();
            failingSinceNanos = 0;
            warnings.accept("webhook " + receiver() + ": taking alerts again after " + seconds + " s; "
                    + queue.size() + " waiting");
        }
    }

    String body(Alert alert) {
        if (format == Format.JSON) {
            return EventCodec.encodeToString(alert);
        }
        var mapper = EventCodec.mapper();
        var incident = alert.incident();
        ObjectNode a = mapper.createObjectNode();
        ObjectNode labels = a.putObject("labels");
        labels.put("alertname", "culprit_" + mapper.convertValue(incident.kind(), String.class));
        labels.put("host", incident.host());
        labels.put("severity", mapper.convertValue(incident.severity(), String.class));
        labels.put("incident", incident.id());
        labels.put("rule", incident.rule());
        ObjectNode annotations = a.putObject("annotations");
        annotations.put("summary", incident.summary());
        annotations.put("culprits", incident.culprits().stream().map(Culprit::name).collect(Collectors.joining(", ")));
        if (!incident.related().isEmpty()) {
            annotations.put("related", String.join(", ", incident.related()));
        }
        a.put("startsAt", Instant.ofEpochMilli(incident.start()).toString());
        if (alert.state() == Alert.State.RESOLVED && incident.end() != null) {
            a.put("endsAt", Instant.ofEpochMilli(incident.end()).toString());
        }
        ArrayNode body = mapper.createArrayNode();
        body.add(a);
        return body.toString();
    }

    /** Gives a receiver that takes alerts a moment to take the rest; what is left is counted as not delivered. */
    @Override
    public void close() {
        running = false;
        try {
            if (!receiverFailing) {
                sender.join(DRAIN_AT_EXIT.toMillis());
            }
            sender.interrupt();
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Alert alert; (alert = queue.poll()) != null; ) {
            lose(alert, "still waiting when Culprit stopped");
        }
    }
}
