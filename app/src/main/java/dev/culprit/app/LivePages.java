package dev.culprit.app;

import dev.culprit.app.report.Html;
import dev.culprit.app.report.Theme;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DatabaseLogin;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentFilter;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentQueries;
import dev.culprit.storage.IncidentSummary;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What {@code culprit ui} serves, every path behind the console's login ({@link ConsoleCommand#readerLogin}):
 * {@code /} lists open and recent incidents and keeps the list live from {@code /events}, a
 * server-sent event stream of the alerts on Kafka; {@code /report/ID} is an incident's report.
 * Pages carry a Content-Security-Policy that allows this server's own script and stream only.
 */
final class LivePages {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self'; "
            + "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** A comment line this often keeps proxies from closing an idle stream and finds a closed one. */
    private static final long KEEPALIVE_MS = 15_000;
    /** Alerts a page may fall behind by before it misses newer ones (a reload lists them from history). */
    private static final int MOST_QUEUED = 1_000;

    private final IncidentQueries queries;
    private final IncidentFilter filter;
    private final RuleSet rules;
    private final AlertsFeed feed;
    private final ZoneId zone;
    private volatile boolean stopping;

    LivePages(IncidentQueries queries, IncidentFilter filter, RuleSet rules, AlertsFeed feed, ZoneId zone) {
        this.queries = queries;
        this.filter = filter;
        this.rules = rules;
        this.feed = feed;
        this.zone = zone;
    }

    Server server(InetAddress address, int port, DatabaseLogin reader) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(address.getHostAddress());
        connector.setPort(port);
        server.addConnector(connector);
        server.setStopTimeout(2_000);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new ListPage()), "");
        context.addServlet(new ServletHolder(new Script()), "/live.js");
        context.addServlet(new ServletHolder(new Stream()), "/events");
        context.addServlet(new ServletHolder(new Report()), "/report/*");
        context.setSecurityHandler(ConsoleCommand.readerLogin(reader));
        server.setHandler(context);
        server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(org.eclipse.jetty.util.component.LifeCycle event) {
                stopping = true;
            }
        });
        return server;
    }

    private static void secure(HttpServletResponse response, String contentType) {
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
    }

    /** Does an alert concern the incidents the page lists? The stream's side of {@link IncidentFilter}. */
    boolean shown(Incident incident) {
        if (filter.kind() != null && filter.kind() != incident.kind()) {
            return false;
        }
        if (filter.host() != null && !filter.host().equalsIgnoreCase(incident.host())) {
            return false;
        }
        if (filter.culprit() != null) {
            String part = filter.culprit().toLowerCase(Locale.ROOT);
            return incident.culprits().stream().map(Culprit::name).anyMatch(n -> n.toLowerCase(Locale.ROOT).contains(part));
        }
        return true;
    }

    /** An alert as the page's script reads it: the row it makes, every field plain text. */
    String json(Alert alert) {
        Incident i = alert.incident();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", IncidentId.of(i.id()));
        row.put("state", EventCodec.mapper().convertValue(alert.state(), String.class));
        row.put("kind", EventCodec.mapper().convertValue(i.kind(), String.class));
        row.put("severity", EventCodec.mapper().convertValue(i.severity(), String.class));
        row.put("host", TerminalText.printable(i.host()));
        row.put("start", Html.time(i.start(), zone));
        row.put("end", i.end() == null ? "open" : Html.time(i.end(), zone));
        row.put("culprit", i.culprits().isEmpty() ? "-" : TerminalText.printable(i.culprits().get(0).name()));
        row.put("summary", TerminalText.printable(i.summary() == null ? "" : i.summary()));
        return IncidentJson.line(row);
    }

    private final class ListPage extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!"/".equals(request.getRequestURI())) {
                response.sendError(404);
                return;
            }
            List<IncidentSummary> incidents = queries.list(filter);
            StringBuilder h = new StringBuilder(16 * 1024);
            h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Culprit: incidents</title>")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>").append(Theme.CSS)
                    .append("</style><script src=\"/live.js\" defer></script></head>\n<body><header><h1>Incidents</h1>")
                    .append("<p class=\"note\">").append(Html.escape(describe(filter))).append(". <span id=\"status\">connecting to the alerts…</span></p>")
                    .append("</header><table class=\"incidents\"><thead><tr><th>id</th><th>state</th><th>kind</th><th>severity</th>")
                    .append("<th>host</th><th>start</th><th>end</th><th>top culprit</th><th>summary</th></tr></thead><tbody id=\"incidents\">");
            for (IncidentSummary i : incidents) {
                h.append("<tr id=\"incident-").append(i.shortId()).append("\" data-state=\"").append(i.open() ? "open" : "resolved")
                        .append("\"><td><a href=\"/report/").append(i.shortId()).append("\">").append(i.shortId()).append("</a></td><td>")
                        .append(i.open() ? "open" : "resolved").append("</td><td>").append(Html.escape(i.kind())).append("</td><td>")
                        .append(Html.escape(i.severity())).append("</td><td>").append(Html.escape(i.host())).append("</td><td>")
                        .append(Html.escape(Html.time(i.start(), zone))).append("</td><td>")
                        .append(Html.escape(i.end() == null ? "open" : Html.time(i.end(), zone))).append("</td><td>")
                        .append(Html.escape(i.topCulpritName() == null ? "-" : i.topCulpritName())).append("</td><td>")
                        .append(Html.escape(i.summary() == null ? "" : i.summary())).append("</td></tr>");
            }
            h.append("</tbody></table>");
            if (incidents.isEmpty()) {
                h.append("<p class=\"note\" id=\"none\">No incidents match yet; new ones appear here as they fire.</p>");
            }
            h.append("<footer>Served by <code>culprit ui</code>; new alerts arrive from Kafka without a reload.</footer></body></html>\n");
            secure(response, "text/html");
            response.getWriter().write(h.toString());
        }
    }

    private static String describe(IncidentFilter f) {
        StringBuilder s = new StringBuilder(f.openOnly() ? "Open incidents" : "Incidents");
        if (f.since() != null) {
            s.append(" going on since ").append(f.since());
        }
        if (f.kind() != null) {
            s.append(", kind ").append(EventCodec.mapper().convertValue(f.kind(), String.class));
        }
        if (f.host() != null) {
            s.append(", host ").append(f.host());
        }
        if (f.culprit() != null) {
            s.append(", culprit like ").append(f.culprit());
        }
        return s.append(", newest first, at most ").append(f.limit()).toString();
    }

    /**
     * Rows are built with {@code textContent}, never as markup: what an alert says is the host's
     * words. A stream that drops reconnects by itself (EventSource), and the status line says so.
     */
    static final String SCRIPT = """
            'use strict';
            const status = () => document.getElementById('status');
            const stream = new EventSource('/events');
            stream.onopen = () => { status().textContent = 'Live: new alerts appear as they arrive.'; };
            stream.onerror = () => { status().textContent = 'Alert stream lost; reconnecting…'; };
            stream.addEventListener('alert', (message) => {
              const a = JSON.parse(message.data);
              const rows = document.getElementById('incidents');
              let row = document.getElementById('incident-' + a.id);
              if (!row) {
                row = document.createElement('tr');
                row.id = 'incident-' + a.id;
              }
              rows.prepend(row);
              const cells = [a.id, a.state, a.kind, a.severity, a.host, a.start, a.end, a.culprit, a.summary].map((text, n) => {
                const cell = document.createElement('td');
                if (n === 0) {
                  const link = document.createElement('a');
                  link.href = '/report/' + encodeURIComponent(a.id);
                  link.textContent = text;
                  cell.appendChild(link);
                } else {
                  cell.textContent = text;
                }
                return cell;
              });
              row.replaceChildren(...cells);
              row.dataset.state = a.state;
              row.className = 'fresh';
              const none = document.getElementById('none');
              if (none) { none.remove(); }
            });
            """;

    private static final class Script extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            secure(response, "text/javascript");
            response.getWriter().write(SCRIPT);
        }
    }

    /**
     * One blocking request per open page, writing {@code text/event-stream} as alerts come: an
     * operator's few tabs, not an audience, so a thread each is simpler than async I/O and as good.
     */
    private final class Stream extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            secure(response, "text/event-stream");
            BlockingQueue<String> queue = new LinkedBlockingQueue<>(MOST_QUEUED);
            Consumer<Alert> listener = alert -> {
                if (shown(alert.incident())) {
                    queue.offer(json(alert));
                }
            };
            feed.listen(listener);
            try {
                ServletOutputStream out = response.getOutputStream();
                out.write(": live\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                long quietSince = System.nanoTime();
                while (!stopping) {
                    String row = queue.poll(1, TimeUnit.SECONDS);
                    if (row != null) {
                        out.write(("event: alert\ndata: " + row + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(KEEPALIVE_MS)) {
                        out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        quietSince = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                feed.stopListening(listener);
            }
        }
    }

    private final class Report extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String id = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
            Optional<IncidentDetail> found;
            try {
                found = id.isEmpty() ? Optional.empty() : queries.find(id);
            } catch (IncidentId.Ambiguous e) {
                response.sendError(409, "more than one incident has this id: use its key");
                return;
            }
            if (found.isEmpty()) {
                response.sendError(404, "no such incident");
                return;
            }
            String html = ReportCommand.fromHistory(queries, found.get(), rules, key -> "/report/" + IncidentId.of(key),
                    System.currentTimeMillis(), zone);
            secure(response, "text/html");
            response.getWriter().write(html);
        }
    }
}
