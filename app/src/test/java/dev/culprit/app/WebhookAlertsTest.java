package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookAlertsTest {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToGive = new AtomicInteger();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private URI start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            int status = failuresToGive.getAndDecrement() > 0 ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static Alert resolvedDos() {
        Incident incident = new Incident("web1", "dos-detector", 90_000, 1, "web1-dos-1000", IncidentKind.DOS,
                Severity.CRITICAL, "dos", 1_000, 60_000L, "condition cleared", "request flood on web1",
                List.of(new Culprit("client", "203.0.113.7", Map.of("denied", 412.0))), List.of("web1-mail-2000"));
        return new Alert("web1", "dos-detector", 90_000, 1, Alert.State.RESOLVED, incident);
    }

    @Test
    void aBearerTokenGoesWithEveryPostAndIntoNoMessage() throws Exception {
        failuresToGive.set(1);
        String token = "tok-" + java.util.UUID.randomUUID();
        WebhookAlerts hook = new WebhookAlerts(start(), WebhookAlerts.Format.JSON, token, Duration.ofMillis(10), Duration.ofMinutes(1), Duration.ZERO, warnings::add);
        hook.accept(resolvedDos());
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.delivered() == 1);
        hook.close();

        assertThat(authorizations).hasSize(2).containsOnly("Bearer " + token);
        assertThat(warnings).noneMatch(w -> w.contains(token));
        assertThat(hook.summary()).doesNotContain(token);
    }

    @Test
    void aReceiverDownForAWhileGetsEveryAlertThatWaitedOnceItIsBackInOrder() throws Exception {
        failuresToGive.set(Integer.MAX_VALUE); // down: every post answered 503
        try (WebhookAlerts hook = new WebhookAlerts(start(), WebhookAlerts.Format.JSON, null, Duration.ofMillis(10),
                Duration.ofMinutes(1), Duration.ofMinutes(1), warnings::add)) {
            for (int i = 0; i < 20; i++) {
                hook.accept(dosOn("web" + i));
            }
            Thread.sleep(2_000); // the outage, scaled down from the hour the shipped patience allows
            assertThat(hook.delivered()).isZero();
            assertThat(hook.undelivered()).isZero();
            failuresToGive.set(0);

            await().atMost(Duration.ofSeconds(20)).until(() -> hook.delivered() == 20);
            assertThat(hook.undelivered()).isZero();
            assertThat(delivered()).extracting(Alert::host)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "web" + i).toList());
            assertThat(warnings).hasSize(2);
            assertThat(warnings.get(0)).endsWith(": not taking alerts (HTTP 503); they wait (up to 1000) and are retried for up to 1m");
            assertThat(warnings.get(1)).contains(": taking alerts again after ");
        }
    }

    @Test
    void anAlertTheReceiverDoesNotTakeWithinThePatienceIsCountedNotDelivered() throws Exception {
        failuresToGive.set(Integer.MAX_VALUE);
        WebhookAlerts hook = new WebhookAlerts(start(), WebhookAlerts.Format.JSON, null, Duration.ofMillis(10),
                Duration.ofMillis(300), Duration.ofMinutes(1), warnings::add);
        try (hook) {
            hook.accept(resolvedDos());
            await().atMost(Duration.ofSeconds(5)).until(() -> hook.undelivered() == 1);
        }
        assertThat(hook.summary()).containsPattern("1 not delivered: RESOLVED dos critical web1 \\(incident web1-dos-1000\\): "
                + "HTTP 503 for 0\\.\\d s \\(\\d+ attempt\\(s\\)\\)");
    }

    /** The bodies the receiver took (answered 2xx), as alerts. */
    private List<Alert> delivered() {
        return bodies.subList(bodies.size() - 20, bodies.size()).stream().map(b -> EventCodec.decode(b, Alert.class)).toList();
    }

    private static Alert dosOn(String host) {
        Alert a = resolvedDos();
        Incident i = a.incident();
        Incident on = new Incident(host, i.source(), i.ts(), i.v(), host + "-dos-1000", i.kind(), i.severity(), i.rule(), i.start(),
                i.end(), i.resolution(), i.summary(), i.culprits(), i.related());
        return new Alert(host, a.source(), a.ts(), a.v(), a.state(), on);
    }

    @Test
    void aReceiverThatFailsTwiceStillGetsTheAlertOnce() throws Exception {
        failuresToGive.set(2);
        try (WebhookAlerts hook = new WebhookAlerts(start(), WebhookAlerts.Format.JSON, null, Duration.ofMillis(10), Duration.ofMinutes(1), Duration.ofMinutes(1), warnings::add)) {
            hook.accept(resolvedDos());

            await().atMost(Duration.ofSeconds(10)).until(() -> hook.delivered() == 1);
            assertThat(bodies).hasSize(3);
            assertThat(EventCodec.decode(bodies.get(2), Alert.class)).isEqualTo(resolvedDos());
        }
    }

    @Test
    void alertmanagerBodyCarriesLabelsAnnotationsAndTimes() throws Exception {
        try (WebhookAlerts hook = new WebhookAlerts(start(), WebhookAlerts.Format.ALERTMANAGER, null, Duration.ofMillis(10), Duration.ofMinutes(1), Duration.ofMinutes(1), warnings::add)) {
            hook.accept(resolvedDos());
            await().atMost(Duration.ofSeconds(10)).until(() -> hook.delivered() == 1);
        }

        JsonNode alert = EventCodec.mapper().readTree(bodies.get(0)).get(0);
        assertThat(alert.at("/labels/alertname").asText()).isEqualTo("culprit_dos");
        assertThat(alert.at("/labels/host").asText()).isEqualTo("web1");
        assertThat(alert.at("/labels/severity").asText()).isEqualTo("critical");
        assertThat(alert.at("/annotations/culprits").asText()).isEqualTo("203.0.113.7");
        assertThat(alert.at("/startsAt").asText()).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(alert.at("/endsAt").asText()).isEqualTo("1970-01-01T00:01:00Z");
    }

    @Test
    void aDeadReceiverNeverHoldsUpTheCaller() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:9/hook"); // discard port: nothing listens
        try (WebhookAlerts hook = new WebhookAlerts(nowhere, WebhookAlerts.Format.JSON, null, Duration.ofMillis(10), Duration.ofMinutes(1), Duration.ofMinutes(1), warnings::add)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5_000; i++) {
                hook.accept(resolvedDos());
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> hook.undelivered() > 0);
            assertThat(hook.delivered()).isZero();
        }
    }

    @Test
    void everyAlertNotDeliveredIsNamedAtOnceThenEveryIntervalAndCountedAtExit() throws Exception {
        // A receiver that refuses the body: no retry can help, so each alert is lost at once.
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
        });
        server.start();
        URI withSecretPath = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/services/T000/SECRET-TOKEN");
        WebhookAlerts hook = new WebhookAlerts(withSecretPath, WebhookAlerts.Format.JSON, null, Duration.ofMillis(10), Duration.ofMinutes(1), Duration.ofMillis(500), warnings::add);
        try (hook) {
            hook.accept(resolvedDos());
            await().atMost(Duration.ofSeconds(5)).until(() -> warnings.size() == 1);
            assertThat(warnings.get(0)).isEqualTo("webhook http://127.0.0.1:" + server.getAddress().getPort()
                    + ": alert(s) not delivered: RESOLVED dos critical web1 (incident web1-dos-1000): HTTP 400 after 1 attempt(s); "
                    + "later losses are named every 500ms and counted at exit");

            hook.accept(resolvedDos());
            hook.accept(resolvedDos());
            await().atMost(Duration.ofSeconds(5)).until(() -> warnings.size() == 2);
            assertThat(warnings.get(1)).startsWith("webhook http://127.0.0.1:" + server.getAddress().getPort()
                    + ": 2 more alert(s) not delivered (3 in all): RESOLVED dos critical web1 (incident web1-dos-1000): HTTP 400");
        }
        assertThat(hook.summary()).isEqualTo("webhook http://127.0.0.1:" + server.getAddress().getPort()
                + ": 0 alert(s) delivered, 3 not delivered: "
                + "RESOLVED dos critical web1 (incident web1-dos-1000): HTTP 400 after 1 attempt(s); ".repeat(2)
                + "RESOLVED dos critical web1 (incident web1-dos-1000): HTTP 400 after 1 attempt(s)");
        assertThat(String.join("\n", warnings) + hook.summary()).doesNotContain("SECRET");
    }

    @Test
    void alertsStillWaitingAtExitAreCountedNotForgotten() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:9/hook");
        WebhookAlerts hook = new WebhookAlerts(nowhere, WebhookAlerts.Format.JSON, null, Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(1), warnings::add);
        try (hook) {
            hook.accept(resolvedDos());
            hook.accept(resolvedDos());
        }
        assertThat(hook.undelivered()).isEqualTo(2);
        assertThat(hook.summary()).contains("0 alert(s) delivered, 2 not delivered")
                .contains("Culprit stopped while retrying it").contains("still waiting when Culprit stopped");
    }
}
