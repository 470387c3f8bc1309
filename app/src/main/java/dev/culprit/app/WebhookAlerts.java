package dev.culprit.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
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
 * holds up detection. When its queue is full the oldest waiting alert gives way, and is counted.
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
    private static final int ATTEMPTS = 5;

    private final URI url;
    private final Format format;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Duration firstBackoff;
    private final Thread sender;
    private volatile boolean running = true;

    public WebhookAlerts(URI url, Format format) {
        this(url, format, Duration.ofSeconds(1));
    }

    WebhookAlerts(URI url, Format format, Duration firstBackoff) {
        this.url = url;
        this.format = format;
        this.firstBackoff = firstBackoff;
        this.sender = new Thread(this::send, "culprit-webhook");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void accept(Alert alert) {
        while (!queue.offer(alert)) {
            if (queue.poll() != null && failed.getAndIncrement() == 0) {
                LOG.warn("webhook {} falls behind: dropping the oldest waiting alerts (counted)", url);
            }
        }
    }

    public long delivered() {
        return delivered.get();
    }

    /** Alerts given up on: dropped from a full queue or refused on every attempt. */
    public long failed() {
        return failed.get();
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
        }
    }

    private void deliver(Alert alert) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(alert)))
                .build();
        Duration backoff = firstBackoff;
        String lastProblem = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                lastProblem = "HTTP " + response.statusCode();
                if (response.statusCode() / 100 == 4 && response.statusCode() != 429) {
                    break; // the receiver refuses this body; asking again will not change its mind
                }
            } catch (java.io.IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2);
        }
        if (failed.getAndIncrement() == 0) {
            LOG.warn("webhook {} did not take alert {} ({}); later failures are counted", url, alert.incident().id(), lastProblem);
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

    @Override
    public void close() {
        running = false;
        try {
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
    }
}
