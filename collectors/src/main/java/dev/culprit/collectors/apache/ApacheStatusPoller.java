package dev.culprit.collectors.apache;

import dev.culprit.events.ApacheStatus;
import dev.culprit.events.ApacheStatus.WorkerRequest;
import dev.culprit.events.Schema;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reads one Apache's mod_status and turns each read into an {@link ApacheStatus} event. A server
 * that cannot be read is an event too ({@code reachable=false} with the reason): during an
 * incident "the status page stopped answering" is itself evidence, so {@link #poll()} never
 * throws.
 *
 * <p>The request rate is the change of {@code Total Accesses} between two polls over the time
 * between their reads (see {@link AccessCount}); the first poll and the first after a restart
 * have none. A failed poll keeps the previous count: the rate after an outage is then the average
 * over the outage, and a restart during it is still caught by the uptime and restart time.
 */
public final class ApacheStatusPoller {

    static final String SOURCE = "apache";

    private final String host;
    private final ApacheStatusSettings settings;
    private final Optional<BasicCredentials> credentials;
    private final Clock clock;
    private final HttpClient http;

    private AccessCount previous;

    /** Credentials, if the settings name any, are read from this process's environment or the file now. */
    public ApacheStatusPoller(String host, ApacheStatusSettings settings, Clock clock) {
        this(host, settings, System.getenv(), clock);
    }

    ApacheStatusPoller(String host, ApacheStatusSettings settings, Map<String, String> environment, Clock clock) {
        this.host = host;
        this.settings = settings;
        this.credentials = settings.credentials(environment);
        this.clock = clock;
        // No redirects: following one would send the credentials wherever the server points.
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Reads the status page once; the event's time is when the {@code ?auto} response was read. */
    public synchronized ApacheStatus poll() {
        try {
            return read();
        } catch (RuntimeException e) {
            // Not expected; reported like any other failed read rather than ending the schedule.
            return unreachable(clock.millis(), "unexpected " + describe(e));
        }
    }

    private ApacheStatus read() {
        Page auto = fetch(settings.autoUrl());
        long readAt = clock.millis();
        return status(auto, settings.autoUrl().toString(), readAt,
                () -> settings.extended() ? workerTable(fetch(settings.url()), settings.url().toString()) : NO_TABLE);
    }

    /**
     * A status read earlier and saved: the {@code ?auto} page read at {@code readAt}, and the
     * ExtendedStatus HTML page read with it, or null when there is none. Pages are named by
     * where they were saved.
     */
    public synchronized ApacheStatus saved(String auto, String autoName, long readAt, String html, String htmlName) {
        return status(new Page(auto, null), autoName, readAt,
                () -> html == null ? NO_TABLE : workerTable(new Page(html, null), htmlName));
    }

    private ApacheStatus status(Page auto, String autoName, long readAt, Supplier<WorkerTable> table) {
        if (auto.error() != null) {
            return unreachable(readAt, auto.error());
        }
        AutoStatus status;
        try {
            status = ServerStatusParser.parse(auto.body());
        } catch (StatusFormatException e) {
            return unreachable(readAt, autoName + " is not a mod_status ?auto page: " + e.getMessage());
        }
        Double requestsPerSec = rateUpTo(status, readAt);
        WorkerTable workers = table.get();
        return new ApacheStatus(host, SOURCE, readAt, Schema.VERSION, settings.url().toString(), true, workers.error(),
                status.uptimeSeconds(), status.totalAccesses(), requestsPerSec,
                status.busyWorkers(), status.idleWorkers(), status.scoreboard().byLabel(), workers.workers());
    }

    private Double rateUpTo(AutoStatus status, long readAt) {
        if (status.totalAccesses() == null) {
            previous = null; // ExtendedStatus went off: no counter to continue from
            return null;
        }
        AccessCount count = new AccessCount(status.totalAccesses(), status.uptimeSeconds(), status.restartTime(), readAt);
        Double rate = previous == null ? null : count.perSecondSince(previous);
        previous = count;
        return rate;
    }

    /** The busy workers, or why they could not be read; the counters stand either way. */
    private record WorkerTable(List<WorkerRequest> workers, String error) {}

    private static final WorkerTable NO_TABLE = new WorkerTable(List.of(), null);

    private static WorkerTable workerTable(Page html, String name) {
        if (html.error() != null) {
            return new WorkerTable(List.of(), "extended status: " + html.error());
        }
        try {
            return new WorkerTable(ExtendedStatusParser.parse(html.body()), null);
        } catch (StatusFormatException e) {
            return new WorkerTable(List.of(), "extended status at " + name + ": " + e.getMessage());
        }
    }

    private ApacheStatus unreachable(long ts, String error) {
        return new ApacheStatus(host, SOURCE, ts, Schema.VERSION, settings.url().toString(), false, error,
                null, null, null, null, null, null, null);
    }

    /** A page's body, or why there is none. */
    private record Page(String body, String error) {}

    private Page fetch(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.readTimeout())
                .header("User-Agent", "culprit-collector");
        credentials.ifPresent(c -> request.header("Authorization", c.authorization()));
        CompletableFuture<HttpResponse<String>> response =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        // The request timeout covers waiting for the headers only; a server that sends headers and
        // then stalls the body is cut off by this overall deadline.
        Duration deadline = settings.connectTimeout().plus(settings.readTimeout());
        try {
            return answer(uri, response.get(deadline.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            response.cancel(true);
            return new Page(null, "GET " + uri + ": no complete response within " + seconds(deadline));
        } catch (ExecutionException e) {
            return new Page(null, "GET " + uri + ": " + describe(e.getCause()));
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return new Page(null, "GET " + uri + ": interrupted");
        }
    }

    private static Page answer(URI uri, HttpResponse<String> response) {
        int code = response.statusCode();
        if (code / 100 == 2) {
            return new Page(response.body(), null);
        }
        String redirect = response.headers().firstValue("Location")
                .map(to -> " (redirect to " + to + " not followed; configure that URL instead)").orElse("");
        return new Page(null, "GET " + uri + ": HTTP " + code + redirect);
    }

    private String describe(Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + seconds(settings.connectTimeout());
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within " + seconds(settings.readTimeout());
        }
        if (e instanceof ConnectException) {
            // Java's HTTP client reports a refused connection without a message (its cause is a
            // ClosedChannelException), so say what it means.
            return "cannot connect: " + (e.getMessage() == null ? "connection refused" : e.getMessage());
        }
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null
                ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() / 1000.0 + " s";
    }
}
