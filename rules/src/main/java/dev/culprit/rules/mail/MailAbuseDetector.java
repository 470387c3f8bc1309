package dev.culprit.rules.mail;

import dev.culprit.events.Alert;
import dev.culprit.events.ApacheStatus.WorkerRequest;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.Culprit;
import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Schema;
import dev.culprit.events.Severity;
import dev.culprit.events.text.ShortDigest;
import dev.culprit.rules.Detector;
import dev.culprit.rules.IncidentLifecycle.Heard;
import dev.culprit.rules.IncidentLifecycle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Decides, one host's {@code mail()} calls at a time and in event-time order, which PHP script is
 * abusing mail, and keeps one incident per script: it fires as soon as any of the rule's limits is
 * crossed and resolves once every limit has been clear for the cool-down; its life (updates,
 * cool-down, silence) is {@link IncidentLifecycle}'s.
 *
 * <p>The limits are counted per script over the rule's sliding window (mails per minute over the
 * last 60 s). The severity is critical once the script reached more distinct recipients in the
 * window than {@code recipientsPerWindow}: that is when the host's address lands on block lists;
 * a warning otherwise (a fast, repetitive or brand-new sender that has not yet reached many).
 *
 * <p>mail.log names no client, so the calling clients come from the ExtendedStatus table: a busy
 * worker whose request path ends the script's file path ({@code GET /wp-content/x.php?n=1} for
 * {@code /var/www/html/wp-content/x.php}), seen within the window. A rewritten URL
 * ({@code /2024/05/post} served by {@code index.php}) cannot be matched.
 *
 * <p>Plain Java: the state goes in and comes out as a value. It holds, per script, per-second mail
 * counts and the recipients and subjects of the window, capped so that a mass mailing cannot grow
 * it without end (the recipient count then reads "at least"); and the first time each script sent
 * mail, for as long as the host lives, which is what makes a script new. A detector started on a
 * host with no history sees every script as new.
 */
public final class MailAbuseDetector implements Detector<MailAbuseDetector.State> {

    public static final String SOURCE = "mail-detector";

    /** Recipients remembered per script and window; the distinct count saturates here. */
    static final int MAX_RECIPIENTS = 1_000;
    /** Subjects remembered per script and window. */
    static final int MAX_SUBJECTS = 100;
    /** Recipient domains counted per incident. */
    static final int MAX_DOMAINS = 100;
    /** Calling clients remembered per URL path. */
    static final int MAX_CLIENTS_PER_PATH = 20;
    /** Subjects an incident quotes. */
    static final int SAMPLE_SUBJECTS = 3;

    private static final long MINUTE_MS = 60_000;

    private final MailRule rule;

    public MailAbuseDetector(MailRule rule) {
        this.rule = Objects.requireNonNull(rule);
    }

    /** The mails a script sent within one second, and the largest recipient list among them. */
    public record Second(long second, long firstTs, int mails, int maxRecipients) {}

    /**
     * What an incident has seen so far; starts from the window when it fires and grows with every
     * later mail of the script until it resolves.
     *
     * @param recipientDomains distinct recipients per domain
     * @param clients calling client address → when last seen calling the script
     * @param limits the rule's limits the script crossed, by name
     */
    public record Tally(long mails, int peakMailsPerMinute, int peakDistinctRecipients, int maxRecipientsPerMail,
                        List<String> sampleSubjects, Map<String, Long> recipientDomains, Map<String, Long> clients,
                        List<String> limits) {}

    /**
     * One script's window and incident.
     *
     * @param recipients recipient → when last mailed, within the window
     * @param subjects subject → times it was used within the window, the newest {@code sameSubject + 1} only
     */
    public record Script(PhpMail.Origin origin, Integer line, List<Second> seconds, Map<String, Long> recipients,
                         Map<String, List<Long>> subjects, Tally tally, IncidentLifecycle life) {}

    /**
     * What the detector remembers about one host between events.
     *
     * @param firstSeen script → when it first sent mail
     * @param scripts scripts that mailed within the window or have an incident
     * @param callers URL path of a PHP file → client address → when last seen requesting it
     */
    public record State(Map<String, Long> firstSeen, Map<String, Script> scripts,
                        Map<String, Map<String, Long>> callers) {

        public static final State EMPTY = new State(Map.of(), Map.of(), Map.of());
    }

    @Override
    public State initialState() {
        return State.EMPTY;
    }

    @Override
    public Class<State> stateType() {
        return State.class;
    }

    @Override
    public Transition<State> onEvent(State state, Event event) {
        long now = event.ts();
        Map<String, Long> firstSeen = state.firstSeen();
        Map<String, Script> scripts = new LinkedHashMap<>(state.scripts());
        Map<String, Map<String, Long>> callers = new LinkedHashMap<>(state.callers());
        if (event instanceof ApacheStatus status) {
            // Any poll moves event time on, so a quiet host's incidents still resolve.
            noteCallers(status, callers, now);
        } else if (event instanceof PhpMail mail) {
            if (!firstSeen.containsKey(mail.script())) {
                firstSeen = new LinkedHashMap<>(firstSeen);
                firstSeen.put(mail.script(), now);
            }
            scripts.put(mail.script(), withMail(scripts.get(mail.script()), mail, now));
        } else {
            return new Transition<>(state, List.of());
        }
        return judge(event.host(), now, Heard.EVENT, firstSeen, scripts, callers);
    }

    @Override
    public Transition<State> onTick(State state, String host, long now) {
        return judge(host, now, Heard.TIME_ONLY, state.firstSeen(), new LinkedHashMap<>(state.scripts()),
                new LinkedHashMap<>(state.callers()));
    }

    @Override
    public boolean wantsTicks(State state) {
        return state.scripts().values().stream().anyMatch(s -> s.life().ongoing());
    }

    /** Every script's limits at {@code now}, and what that changes for its incident. */
    private Transition<State> judge(String host, long now, Heard heard, Map<String, Long> firstSeen,
                                    Map<String, Script> scripts, Map<String, Map<String, Long>> callers) {
        callers.replaceAll((path, clients) -> withoutOlderThan(clients, now - rule.windowMs()));
        callers.values().removeIf(Map::isEmpty);

        List<Alert> alerts = new ArrayList<>();
        for (String name : List.copyOf(scripts.keySet())) {
            Script script = evaluate(host, name, scripts.get(name), firstSeen.get(name), callers, now, heard, alerts);
            if (script.seconds().isEmpty() && !script.life().ongoing()) {
                scripts.remove(name);
            } else {
                scripts.put(name, script);
            }
        }
        return new Transition<>(new State(firstSeen, scripts, callers), alerts);
    }

    /** Remembers who requested which PHP file. */
    private static void noteCallers(ApacheStatus status, Map<String, Map<String, Long>> callers, long now) {
        for (WorkerRequest w : status.workers()) {
            String path = urlPath(w.request());
            if (w.client() == null || path == null || !path.toLowerCase(Locale.ROOT).endsWith(".php")) {
                continue;
            }
            Map<String, Long> clients = new LinkedHashMap<>(callers.getOrDefault(path, Map.of()));
            clients.put(w.client(), now);
            callers.put(path, capped(clients, MAX_CLIENTS_PER_PATH));
        }
    }

    private Script withMail(Script script, PhpMail mail, long now) {
        if (script == null) {
            script = new Script(mail.origin(), mail.line(), List.of(), Map.of(), Map.of(), null, IncidentLifecycle.IDLE);
        }
        long second = Math.floorDiv(now, 1000);
        int recipients = mail.recipients().size();
        List<Second> seconds = new ArrayList<>(script.seconds());
        Second last = seconds.isEmpty() ? null : seconds.get(seconds.size() - 1);
        if (last != null && last.second() == second) {
            seconds.set(seconds.size() - 1, new Second(second, last.firstTs(), last.mails() + 1,
                    Math.max(last.maxRecipients(), recipients)));
        } else {
            seconds.add(new Second(second, now, 1, recipients));
        }
        Map<String, Long> window = new LinkedHashMap<>(script.recipients());
        Tally tally = script.tally();
        if (tally != null) {
            Map<String, Long> domains = new LinkedHashMap<>(tally.recipientDomains());
            for (String r : mail.recipients()) {
                if (!window.containsKey(r)) {
                    addDomain(domains, r);
                }
            }
            tally = new Tally(tally.mails() + 1, tally.peakMailsPerMinute(), tally.peakDistinctRecipients(),
                    Math.max(tally.maxRecipientsPerMail(), recipients), withSubject(tally.sampleSubjects(), mail.subject()),
                    domains, tally.clients(), tally.limits());
        }
        for (String r : mail.recipients()) {
            window.remove(r); // re-inserted last: the map stays in last-mailed order for the cap
            window.put(r, now);
        }
        Map<String, List<Long>> subjects = new LinkedHashMap<>(script.subjects());
        if (mail.subject() != null) {
            List<Long> times = new ArrayList<>(subjects.getOrDefault(mail.subject(), List.of()));
            times.add(now);
            subjects.remove(mail.subject());
            subjects.put(mail.subject(), times.subList(Math.max(0, times.size() - (rule.sameSubject() + 1)), times.size()));
        }
        return new Script(script.origin(), mail.line(), seconds, capped(window, MAX_RECIPIENTS),
                capped(subjects, MAX_SUBJECTS), tally, script.life());
    }

    private Script evaluate(String host, String name, Script s, long firstSeen, Map<String, Map<String, Long>> callers,
                            long now, Heard heard, List<Alert> alerts) {
        List<Second> seconds = s.seconds().stream().allMatch(b -> now - b.second() * 1000 < rule.windowMs())
                ? s.seconds() : s.seconds().stream().filter(b -> now - b.second() * 1000 < rule.windowMs()).toList();
        Map<String, Long> recipients = withoutOlderThan(s.recipients(), now - rule.windowMs());
        Map<String, List<Long>> subjects = new LinkedHashMap<>();
        s.subjects().forEach((subject, times) -> {
            List<Long> kept = times.stream().filter(t -> now - t < rule.windowMs()).toList();
            if (!kept.isEmpty()) {
                subjects.put(subject, kept);
            }
        });

        int perMinute = seconds.stream().filter(b -> now - b.second() * 1000 < MINUTE_MS).mapToInt(Second::mails).sum();
        long windowMails = seconds.stream().mapToLong(Second::mails).sum();
        int maxRecipients = seconds.stream().mapToInt(Second::maxRecipients).max().orElse(0);
        List<String> crossed = new ArrayList<>();
        if (perMinute > rule.mailsPerMinute()) {
            crossed.add("mailsPerMinute");
        }
        if (recipients.size() > rule.recipientsPerWindow()) {
            crossed.add("recipientsPerWindow");
        }
        if (maxRecipients > rule.recipientsPerMail()) {
            crossed.add("recipientsPerMail");
        }
        if (subjects.values().stream().anyMatch(times -> times.size() > rule.sameSubject())) {
            crossed.add("sameSubject");
        }
        if (now - firstSeen < rule.windowMs() && windowMails > rule.newScriptMails()) {
            crossed.add("newScriptMails");
        }
        boolean breached = !crossed.isEmpty();

        Tally tally = s.tally();
        if (!s.life().ongoing() && breached) {
            Map<String, Long> domains = new LinkedHashMap<>();
            recipients.keySet().forEach(r -> addDomain(domains, r));
            List<String> sample = List.of();
            for (String subject : subjects.keySet()) {
                sample = withSubject(sample, subject);
            }
            tally = new Tally(windowMails, perMinute, recipients.size(), maxRecipients, sample, domains,
                    Map.of(), crossed);
        }
        if (tally != null) {
            List<String> limits = new ArrayList<>(tally.limits());
            crossed.stream().filter(l -> !limits.contains(l)).forEach(limits::add);
            Map<String, Long> clients = new LinkedHashMap<>(tally.clients());
            callers.forEach((path, seen) -> {
                if (name.endsWith(path)) {
                    seen.forEach((client, ts) -> clients.merge(client, ts, Math::max));
                }
            });
            tally = new Tally(tally.mails(), Math.max(tally.peakMailsPerMinute(), perMinute),
                    Math.max(tally.peakDistinctRecipients(), recipients.size()),
                    Math.max(tally.maxRecipientsPerMail(), maxRecipients), tally.sampleSubjects(), tally.recipientDomains(),
                    capped(clients, MAX_CLIENTS_PER_PATH), limits);
        }

        Tally drawn = tally;
        // The incident starts with the window's first mail: every mail counted was already sent.
        Long firstMail = breached ? seconds.get(0).firstTs() : null;
        IncidentLifecycle.Step step = s.life().step(host, SOURCE, now, heard, breached, true, firstMail, rule.timing(),
                (start, end, resolution) -> incident(host, name, s, start, end, resolution, drawn));
        alerts.addAll(step.alerts());
        if (!step.next().ongoing()) {
            tally = null;
        }
        return new Script(s.origin(), s.line(), seconds, recipients, subjects, tally, step.next());
    }

    private Incident incident(String host, String name, Script s, long start, Long end, String resolution, Tally tally) {
        Severity severity = tally.peakDistinctRecipients() > rule.recipientsPerWindow() ? Severity.CRITICAL : Severity.WARNING;
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("mails", (double) tally.mails());
        evidence.put("mailsPerMinute", (double) tally.peakMailsPerMinute());
        evidence.put("distinctRecipients", (double) tally.peakDistinctRecipients());
        evidence.put("maxRecipientsPerMail", (double) tally.maxRecipientsPerMail());
        List<String> domains = tally.recipientDomains().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(rule.topRecipientDomains())
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .toList();
        List<String> clients = tally.clients().keySet().stream().sorted().toList();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("origin", s.origin().name().toLowerCase(Locale.ROOT));
        if (s.line() != null) {
            details.put("line", s.line().toString());
        }
        details.put("subjects", String.join(" | ", tally.sampleSubjects().subList(0,
                Math.min(tally.sampleSubjects().size(), Math.min(SAMPLE_SUBJECTS, rule.topRecipientDomains())))));
        details.put("recipientDomains", String.join(", ", domains));
        if (!clients.isEmpty()) {
            details.put("clients", String.join(",", clients));
        }
        details.put("limits", String.join(",", tally.limits()));
        String summary = String.format(Locale.ROOT,
                "Mail abuse on %s: %s sent %d mails (up to %d a minute) to %s%d distinct recipients (up to %d in one mail); "
                        + "crossed %s%s. Stop the script (move it away or chmod 000) and find how it got there",
                host, name, tally.mails(), tally.peakMailsPerMinute(),
                tally.peakDistinctRecipients() >= MAX_RECIPIENTS ? "at least " : "",
                tally.peakDistinctRecipients(), tally.maxRecipientsPerMail(), String.join(", ", tally.limits()),
                clients.isEmpty() ? "" : "; called by " + String.join(", ", clients));
        return new Incident(host, SOURCE, start, Schema.VERSION, host + "-mail-" + idPart(name) + "-" + start,
                IncidentKind.MAIL, severity, rule.name(), start, end, resolution, summary,
                List.of(new Culprit("script", name, evidence, details)), List.of());
    }

    /** A script path as it can stand in an id: {@code /var/www/x.php} → {@code var-www-x.php}; hashed when long. */
    static String idPart(String script) {
        String sanitised = script.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^-+|-+$", "");
        if (!sanitised.isEmpty() && sanitised.length() <= 80) {
            return sanitised;
        }
        return ShortDigest.of(script, 8);
    }

    /** {@code GET /a/b.php?x=1 HTTP/1.1} → {@code /a/b.php}; null when the request has no path. */
    static String urlPath(String request) {
        if (request == null) {
            return null;
        }
        String[] parts = request.trim().split("\\s+");
        if (parts.length < 2 || !parts[1].startsWith("/")) {
            return null;
        }
        int query = parts[1].indexOf('?');
        return query < 0 ? parts[1] : parts[1].substring(0, query);
    }

    private static List<String> withSubject(List<String> sample, String subject) {
        if (subject == null || sample.contains(subject) || sample.size() >= SAMPLE_SUBJECTS) {
            return sample;
        }
        List<String> more = new ArrayList<>(sample);
        more.add(subject);
        return more;
    }

    private static void addDomain(Map<String, Long> domains, String recipient) {
        int at = recipient.lastIndexOf('@');
        String domain = at < 0 ? recipient : recipient.substring(at + 1);
        if (domains.containsKey(domain) || domains.size() < MAX_DOMAINS) {
            domains.merge(domain, 1L, Long::sum);
        }
    }

    /** The same map when nothing in it is that old, as at most events: copying it at each was a tenth of a replay's time. */
    private static Map<String, Long> withoutOlderThan(Map<String, Long> lastSeen, long cutoff) {
        boolean allNewer = true;
        for (long seen : lastSeen.values()) {
            allNewer &= seen > cutoff;
        }
        if (allNewer) {
            return lastSeen;
        }
        return lastSeen.entrySet().stream().filter(e -> e.getValue() > cutoff)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, LinkedHashMap::new));
    }

    /** Keeps the last {@code max} entries of an insertion-ordered map (the most recently used). */
    private static <V> Map<String, V> capped(Map<String, V> map, int max) {
        if (map.size() <= max) {
            return map;
        }
        Map<String, V> kept = new LinkedHashMap<>();
        map.entrySet().stream().skip(map.size() - max).forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }
}
