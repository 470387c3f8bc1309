package dev.culprit.rules.dos;

import dev.culprit.rules.Detector;
import dev.culprit.rules.IncidentLifecycle;
import dev.culprit.rules.IncidentLifecycle.Heard;
import dev.culprit.events.AccessTally;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.ApacheStatus.WorkerRequest;
import dev.culprit.events.Culprit;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Schema;
import dev.culprit.events.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * Decides, one host's mod_status polls and mod_evasive events at a time and in event-time order,
 * whether the host is under a request flood, and names the clients and URLs behind it. The
 * incident's life (hold, updates, cool-down, silence) is {@link IncidentLifecycle}'s.
 *
 * <p>The condition holds while the polled request rate is {@code rateFactor} times its baseline
 * and above the floor, while the scoreboard is saturated, or while mod_evasive denies at least
 * {@code deniedPerSec} requests a second. A rate or saturation breach must hold for
 * {@code forMs}; a denial rate fires at once, because mod_evasive has already waited for its own
 * page and site intervals. A blacklisting alone is no attack: a visitor who reloads a page quickly
 * trips DOSPageCount and is blacklisted once, then denied a few times; it names who to block once
 * an incident is open, nothing more. mod_evasive saying that it is misconfigured is no attack
 * either: it is only noted in the summary of an incident that something else opened.
 *
 * <p>The rate's baseline does not learn while the host is flooded, so a long attack does not
 * become normal; but a step-up that holds for {@code baselineAdaptAfterMs} with no denials and no
 * saturation (a new customer, a campaign, a monitor added) is learned as the new normal, and the
 * incident it opened resolves.
 *
 * <p>Who is blamed: a client address that mod_evasive denied or blacklisted, or one that holds at
 * least {@value #CROWDING_MIN_WORKERS} busy workers and {@value #CROWDING_FACTOR} times what each
 * other client in the same ExtendedStatus table holds on average. Browsers keep a handful of
 * connections and a worker is busy only while it serves one, so a normal visitor holds one or two
 * workers however busy the site is; a flood from one address holds many at once. (An address
 * that fronts many users — a proxy or CDN without mod_remoteip — can look the same; the evidence
 * says so by showing only {@code workers}, no denials.) The status page's own request is not
 * counted. Clients are ranked by denials, then blacklisting, then busy workers. A targeted file or
 * URL is named when it drew at least {@value #TARGET_SHARE} of all denials or a crowding client held
 * {@value #CROWDING_MIN_WORKERS} workers on it. The peak rate, saturation and denial rate are in the
 * summary.
 *
 * <p>Plain Java: the state goes in and comes out as a value, so a Flink function can keep it in
 * keyed state and a unit test can drive it directly. It grows with the number of distinct
 * clients blamed, not of requests; targets are kept to the {@value #MAX_TARGETS} most hit.
 */
public final class DosDetector implements Detector<DosDetector.State> {

    public static final String SOURCE = "dos-detector";

    /** Fewest busy workers a client with no denials must hold to be blamed for its share. */
    static final int CROWDING_MIN_WORKERS = 5;
    /** How far above the other clients' average a client's busy workers must be. */
    static final double CROWDING_FACTOR = 4;
    /** Targets remembered at once; beyond it the least hit one is forgotten. */
    static final int MAX_TARGETS = 100;
    /** URLs named per client. */
    static final int URLS_PER_CLIENT = 5;
    /**
     * Share of all denials a file must draw to be named: a flood of distinct URLs (tripping
     * DOSSiteCount) has no target but the site, and naming its pages one denial each says nothing.
     */
    static final double TARGET_SHARE = 0.05;
    /** The access log's request rates are requests over this many seconds, divided by it. */
    static final int ACCESS_WINDOW_S = 10;
    /**
     * Fewest requests a second, over the window, for a client in the access log to be blamed: a
     * browser loading a page with its assets makes a dozen requests at once, then none while the
     * visitor reads, some 1-3 a second over ten seconds; a flood client keeps it up.
     */
    static final double CLIENT_FLOOR_PER_SEC = 10;
    /**
     * How long a client must have been in the access log for its rate so far to be its usual one:
     * a flood is found within some 20 s of its start, so a client steady for a minute before that
     * was there before the flood, while one that came with it has no usual rate.
     */
    static final long CALLER_HISTORY_S = 60;
    /** Access-log clients remembered at once; beyond it the one with the lowest rate is forgotten. */
    static final int MAX_CALLERS = 1_000;

    private static final String STATUS_PAGE = "/server-status";

    private final DosRule rule;

    public DosDetector(DosRule rule) {
        this.rule = Objects.requireNonNull(rule);
    }

    /**
     * The latest poll and the rate's learned baseline.
     *
     * @param baseline EWMA of requests/s; null until the first rate; frozen while the condition holds
     * @param baselineTs when the baseline last learned
     * @param rate the latest poll's requests/s; null when it had none (first poll, restart)
     * @param saturationPct the latest poll's busy share of all worker slots; null when unknown
     * @param rateOnlySince since when the rate alone (no denials, no saturation) has held the condition
     */
    public record Load(Double baseline, Long baselineTs, Double rate, Double saturationPct, Long rateOnlySince) {

        static final Load EMPTY = new Load(null, null, null, null, null);
    }

    /**
     * What mod_evasive said lately: denials in the latest two seconds seen, the latest blacklisting,
     * and the latest misconfiguration.
     */
    public record Evasive(long second, long deniedInSecond, long deniedInPreviousSecond, Long lastBlacklisting,
                          String problem, Long problemTs) {

        static final Evasive EMPTY = new Evasive(Long.MIN_VALUE, 0, 0, null, null, null);
    }

    /**
     * One client address as seen while it could be blamed.
     *
     * @param workers the most busy workers it held in one poll
     * @param crowding whether it ever held far more workers than the other clients
     * @param urls the first few distinct files (denials) or URL paths (workers) it asked for
     */
    public record Client(long denied, boolean blacklisted, int workers, boolean crowding, List<String> urls,
                         String vhost, long lastSeen, double requestsPerSec, boolean flooding) {}

    /**
     * Requests per second over the last {@value #ACCESS_WINDOW_S} seconds, exact: the counts of
     * those seconds, the newest last.
     *
     * @param lastSecond the newest second counted (epoch seconds)
     * @param counts one count per second, oldest first, up to {@value #ACCESS_WINDOW_S} of them
     * @param firstSecond the first second ever counted, so that a rate is given only over a full window
     */
    public record Window(long firstSecond, long lastSecond, List<Long> counts) {

        static Window starting(long second) {
            return new Window(second, second, List.of(0L));
        }

        Window plus(long second, long requests) {
            List<Long> next = new ArrayList<>(counts);
            long last = lastSecond;
            if (second > last) {
                // a client back after a long silence needs only the window's worth of empty seconds
                for (long s = Math.max(last + 1, second - ACCESS_WINDOW_S + 1); s <= second; s++) {
                    next.add(0L);
                }
                if (second - last >= ACCESS_WINDOW_S) {
                    next = new ArrayList<>(next.subList(next.size() - ACCESS_WINDOW_S, next.size()));
                }
                last = second;
            }
            while (next.size() > ACCESS_WINDOW_S) {
                next.remove(0);
            }
            int at = next.size() - 1 - (int) (last - second);
            if (at >= 0) {
                next.set(at, next.get(at) + requests); // older than the window: too late to count
            }
            return new Window(Math.min(firstSecond, second), last, List.copyOf(next));
        }

        /** Requests a second over the window ending at {@code second}; null until a whole window was seen. */
        Double rate(long second) {
            if (second - firstSecond + 1 < ACCESS_WINDOW_S) {
                return null;
            }
            long sum = 0;
            for (int i = 0; i < counts.size(); i++) {
                long at = lastSecond - (counts.size() - 1 - i);
                if (at > second - ACCESS_WINDOW_S && at <= second) {
                    sum += counts.get(i);
                }
            }
            return (double) sum / ACCESS_WINDOW_S;
        }
    }

    /**
     * One client address as the access log shows it.
     *
     * @param baseline its usual requests/s, learned while the host is not flooded; null until it was seen a whole window
     */
    public record Caller(Window requests, Double baseline, Long baselineTs, String vhost) {}

    /**
     * What the access log said: the host's request rate with its own baseline (a host without
     * mod_status has no other), and each client's rate.
     */
    public record AccessLog(Window requests, Load load, Map<String, Caller> callers) {

        static final AccessLog EMPTY = new AccessLog(null, Load.EMPTY, Map.of());
    }

    /** A file or URL path the blamed clients hit. */
    public record Target(long denied, int workers, String vhost, long lastSeen) {}

    /** Highest figures since the condition began. */
    public record Peaks(Double rate, Double saturationPct, long deniedPerSec) {

        static final Peaks EMPTY = new Peaks(null, null, 0);
    }

    /** What the detector remembers about one host between events. */
    public record State(Load load, Evasive evasive, AccessLog access, Map<String, Client> clients,
                        Map<String, Target> targets, Peaks peaks, IncidentLifecycle life) {

        public static final State EMPTY = new State(Load.EMPTY, Evasive.EMPTY, AccessLog.EMPTY, Map.of(), Map.of(),
                Peaks.EMPTY, IncidentLifecycle.IDLE);
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
        Load load = state.load();
        Evasive evasive = state.evasive();
        AccessLog access = state.access();
        String accessClient = null;
        // The state is a value: only the maps an event changes are replaced, and they are persistent
        // maps, changed in O(log n). A flood of 1,000 clients made copying both maps at every event
        // three quarters of a replay's time.
        Map<String, Client> clients = state.clients();
        Map<String, Target> targets = state.targets();
        if (event instanceof AccessTally tally) {
            access = withTally(access, tally);
            accessClient = tally.client();
        } else if (event instanceof ApacheStatus status) {
            if (!status.reachable()) {
                // A status page that times out under the flood tells nothing new about it.
                return new Transition<>(state, List.of());
            }
            load = new Load(load.baseline(), load.baselineTs(), status.requestsPerSec(), saturationPct(status),
                    load.rateOnlySince());
            Held held = withWorkers(status, clients, targets, now);
            clients = held.clients();
            targets = held.targets();
        } else if (event instanceof EvasiveEvent e) {
            switch (e.kind()) {
                case DENIED -> {
                    evasive = withDenials(evasive, now, e.count());
                    if (e.client() != null) {
                        Client c = clients.getOrDefault(e.client(), newClient(now));
                        clients = persistent(clients).plus(e.client(), new Client(c.denied() + e.count(),
                                c.blacklisted(), c.workers(), c.crowding(), withUrl(c.urls(), e.path()), c.vhost(), now,
                                c.requestsPerSec(), c.flooding()));
                    }
                    if (e.path() != null) {
                        Target t = targets.getOrDefault(e.path(), new Target(0, 0, null, now));
                        targets = withTarget(targets, e.path(), new Target(t.denied() + e.count(), t.workers(), t.vhost(), now));
                    }
                }
                case BLACKLISTED -> {
                    evasive = new Evasive(evasive.second(), evasive.deniedInSecond(), evasive.deniedInPreviousSecond(),
                            now, evasive.problem(), evasive.problemTs());
                    if (e.client() != null) {
                        Client c = clients.getOrDefault(e.client(), newClient(now));
                        clients = persistent(clients).plus(e.client(), new Client(c.denied(), true, c.workers(), c.crowding(), c.urls(),
                                c.vhost(), now, c.requestsPerSec(), c.flooding()));
                    }
                }
                case MISCONFIGURED -> evasive = new Evasive(evasive.second(), evasive.deniedInSecond(),
                        evasive.deniedInPreviousSecond(), evasive.lastBlacklisting(), e.detail(), now);
            }
        } else {
            return new Transition<>(state, List.of());
        }
        return judge(state, load, evasive, access, accessClient, clients, targets, event.host(), now, Heard.EVENT,
                event instanceof ApacheStatus);
    }

    /** Counts the tally for its client and the host; the host's access rate is the window's. */
    private static AccessLog withTally(AccessLog access, AccessTally tally) {
        long second = Math.floorDiv(tally.ts(), 1000);
        Window host = (access.requests() == null ? Window.starting(second) : access.requests()).plus(second, tally.requests());
        Map<String, Caller> callers = new LinkedHashMap<>(access.callers());
        Caller caller = callers.remove(tally.client()); // re-inserted last: the map stays in last-seen order
        Window own = (caller == null ? Window.starting(second) : caller.requests()).plus(second, tally.requests());
        callers.put(tally.client(), new Caller(own, caller == null ? null : caller.baseline(),
                caller == null ? null : caller.baselineTs(), tally.vhost() != null ? tally.vhost() : caller == null ? null : caller.vhost()));
        if (callers.size() > MAX_CALLERS) {
            callers.entrySet().stream()
                    .min(Comparator.comparingDouble((Map.Entry<String, Caller> e) -> rateOr0(e.getValue().requests(), second)))
                    .map(Map.Entry::getKey)
                    .ifPresent(callers::remove);
        }
        Load load = access.load();
        load = new Load(load.baseline(), load.baselineTs(), host.rate(second), null, load.rateOnlySince());
        return new AccessLog(host, load, callers);
    }

    private static double rateOr0(Window w, long second) {
        Double rate = w.rate(second);
        return rate == null ? 0 : rate;
    }

    @Override
    public Transition<State> onTick(State state, String host, long now) {
        return judge(state, state.load(), state.evasive(), state.access(), null, state.clients(), state.targets(), host, now,
                Heard.TIME_ONLY, false);
    }

    @Override
    public boolean wantsTicks(State state) {
        return state.life().ongoing();
    }

    /** Whether the host is flooded at {@code now}, and what that changes for its incident. */
    private Transition<State> judge(State state, Load load, Evasive evasive, AccessLog access, String accessClient,
                                    Map<String, Client> clients, Map<String, Target> targets, String host, long now,
                                    Heard heard, boolean statusPoll) {
        boolean statusRateBreach = rateBreach(load);
        boolean accessRateBreach = rateBreach(access.load());
        boolean rateBreach = statusRateBreach || accessRateBreach;
        boolean saturated = load.saturationPct() != null && load.saturationPct() >= rule.saturationPct();
        long deniedPerSec = deniedPerSec(evasive, now);
        boolean evasiveBreach = deniedPerSec >= rule.deniedPerSec();
        boolean breached = rateBreach || saturated || evasiveBreach;

        boolean rateOnly = rateBreach && !saturated && deniedPerSec == 0;
        // Nor while an incident is open and clearing: the tail of a flood is no normal traffic.
        boolean flooded = breached || state.life().ongoing();
        if (statusPoll) {
            load = learned(load, rateOnly, flooded, now);
        } else if (accessClient != null) {
            access = learned(access, accessClient, rateOnly, flooded, now);
        }
        if (accessClient != null && (breached || state.life().ongoing())) {
            clients = withCaller(access, accessClient, clients, now);
        }
        IncidentLifecycle life = state.life();
        Peaks peaks = state.peaks();
        if (breached) {
            peaks = new Peaks(max(peaks.rate(), max(load.rate(), access.load().rate())),
                    max(peaks.saturationPct(), load.saturationPct()),
                    Math.max(peaks.deniedPerSec(), deniedPerSec));
        } else if (!life.ongoing()) {
            peaks = Peaks.EMPTY;
            long cutoff = now - Math.max(rule.forMs(), rule.cooldownMs());
            clients = seenSince(clients, cutoff, Client::lastSeen);
            targets = seenSince(targets, cutoff, Target::lastSeen);
        }
        Load seenLoad = load.baseline() != null ? load : access.load();
        Evasive seenEvasive = evasive;
        Peaks seenPeaks = peaks;
        Map<String, Client> seenClients = clients;
        Map<String, Target> seenTargets = targets;
        IncidentLifecycle.Step step = life.step(host, SOURCE, now, heard, breached, evasiveBreach, null, rule.timing(),
                (start, end, resolution) -> incident(host, start, end, resolution, seenLoad, seenEvasive, seenClients,
                        seenTargets, seenPeaks));
        if (life.ongoing() && !step.next().ongoing()) {
            // Resolved: the next flood is judged on its own clients, targets and peaks.
            clients = Map.of();
            targets = Map.of();
            peaks = Peaks.EMPTY;
        }
        return new Transition<>(new State(load, evasive, access, clients, targets, peaks, step.next()),
                step.alerts());
    }

    private boolean rateBreach(Load load) {
        return load.rate() != null && load.baseline() != null
                && load.rate() >= rule.minRequestsPerSec() && load.rate() >= rule.rateFactor() * load.baseline();
    }

    /**
     * The baseline learns while the host is not flooded (no condition, no incident open), or once
     * the rate alone has held the condition for {@code baselineAdaptAfter}.
     */
    private Load learned(Load load, boolean rateOnly, boolean flooded, long now) {
        Long rateOnlySince = rateOnly ? (load.rateOnlySince() != null ? load.rateOnlySince() : now) : null;
        load = new Load(load.baseline(), load.baselineTs(), load.rate(), load.saturationPct(), rateOnlySince);
        boolean learnedStepUp = rateOnlySince != null && now - rateOnlySince >= rule.baselineAdaptAfterMs();
        return (!flooded || learnedStepUp) && load.rate() != null ? learn(load, now) : load;
    }

    /** The host's access-log baseline, and the client's own, learn as {@link #learned(Load, boolean, boolean, long)} says. */
    private AccessLog learned(AccessLog access, String client, boolean rateOnly, boolean flooded, long now) {
        Load host = learned(access.load(), rateOnly, flooded, now);
        Caller caller = access.callers().get(client);
        Double rate = caller.requests().rate(Math.floorDiv(now, 1000));
        if (flooded && (host.rateOnlySince() == null || now - host.rateOnlySince() < rule.baselineAdaptAfterMs())
                || rate == null) {
            return new AccessLog(access.requests(), host, access.callers());
        }
        Load own = learn(new Load(caller.baseline(), caller.baselineTs(), rate, null, null), now);
        Map<String, Caller> callers = new LinkedHashMap<>(access.callers());
        callers.put(client, new Caller(caller.requests(), own.baseline(), own.baselineTs(), caller.vhost()));
        return new AccessLog(access.requests(), host, callers);
    }

    /**
     * A client the access log shows at {@value #CLIENT_FLOOR_PER_SEC} requests a second or more,
     * and {@code rateFactor} times its own usual rate (or with no usual rate: seen for less than
     * {@value #CALLER_HISTORY_S} s), is flooding: the clients with it marked so, or the same map when
     * it is not. A monitor or a sync client that has always been busy is not.
     */
    private Map<String, Client> withCaller(AccessLog access, String client, Map<String, Client> clients, long now) {
        Caller caller = access.callers().get(client);
        long second = Math.floorDiv(now, 1000);
        Double rate = caller.requests().rate(second);
        boolean usual = caller.baseline() != null && second - caller.requests().firstSecond() >= CALLER_HISTORY_S;
        if (rate == null || rate < CLIENT_FLOOR_PER_SEC || (usual && rate < rule.rateFactor() * caller.baseline())) {
            return clients;
        }
        Client c = clients.getOrDefault(client, newClient(now));
        return persistent(clients).plus(client, new Client(c.denied(), c.blacklisted(), c.workers(), c.crowding(), c.urls(),
                caller.vhost() != null ? caller.vhost() : c.vhost(), now, Math.max(c.requestsPerSec(), rate), true));
    }

    /** Busy share of every worker slot Apache may use: prefork still spawning shows 0 idle but free slots. */
    private static Double saturationPct(ApacheStatus status) {
        if (status.busyWorkers() == null) {
            return null;
        }
        int slots = status.scoreboard().values().stream().mapToInt(Integer::intValue).sum();
        if (slots == 0) {
            slots = status.busyWorkers() + (status.idleWorkers() == null ? 0 : status.idleWorkers());
        }
        return slots == 0 ? null : 100.0 * status.busyWorkers() / slots;
    }

    private Load learn(Load load, long now) {
        if (load.baseline() == null) {
            return new Load(load.rate(), now, load.rate(), load.saturationPct(), load.rateOnlySince());
        }
        double alpha = 1 - Math.pow(0.5, (double) Math.max(0, now - load.baselineTs()) / rule.baselineHalfLifeMs());
        return new Load(load.baseline() + alpha * (load.rate() - load.baseline()), now, load.rate(), load.saturationPct(),
                load.rateOnlySince());
    }

    private static Evasive withDenials(Evasive evasive, long now, long count) {
        long second = Math.floorDiv(now, 1000);
        if (second == evasive.second()) {
            return new Evasive(second, evasive.deniedInSecond() + count, evasive.deniedInPreviousSecond(),
                    evasive.lastBlacklisting(), evasive.problem(), evasive.problemTs());
        }
        long previous = second - 1 == evasive.second() ? evasive.deniedInSecond() : 0;
        return new Evasive(second, count, previous, evasive.lastBlacklisting(), evasive.problem(), evasive.problemTs());
    }

    /** Denials in the current second so far or the last full one, whichever is higher. */
    private static long deniedPerSec(Evasive evasive, long now) {
        long second = Math.floorDiv(now, 1000);
        if (second == evasive.second()) {
            return Math.max(evasive.deniedInSecond(), evasive.deniedInPreviousSecond());
        }
        return second - 1 == evasive.second() ? evasive.deniedInSecond() : 0;
    }

    /** The clients and targets after a status poll. */
    private record Held(Map<String, Client> clients, Map<String, Target> targets) {}

    /** Counts who holds the busy workers; only crowding clients' URLs become targets. */
    private Held withWorkers(ApacheStatus status, Map<String, Client> clients, Map<String, Target> targets, long now) {
        Map<String, List<WorkerRequest>> byClient = new LinkedHashMap<>();
        for (WorkerRequest w : status.workers()) {
            String path = urlPath(w.request());
            if (w.client() == null || STATUS_PAGE.equals(path)) {
                continue;
            }
            byClient.computeIfAbsent(w.client(), k -> new ArrayList<>()).add(w);
        }
        int total = byClient.values().stream().mapToInt(List::size).sum();
        for (Map.Entry<String, List<WorkerRequest>> entry : byClient.entrySet()) {
            int held = entry.getValue().size();
            double others = byClient.size() == 1 ? 0 : (double) (total - held) / (byClient.size() - 1);
            boolean crowding = held >= CROWDING_MIN_WORKERS && held >= CROWDING_FACTOR * others;
            Client c = clients.get(entry.getKey());
            if (c == null && !crowding) {
                continue; // a normal visitor: not worth remembering
            }
            c = c == null ? newClient(now) : c;
            List<String> urls = c.urls();
            String vhost = c.vhost();
            Map<String, Integer> perPath = new LinkedHashMap<>();
            for (WorkerRequest w : entry.getValue()) {
                String path = urlPath(w.request());
                urls = withUrl(urls, path);
                vhost = w.vhost() != null ? w.vhost() : vhost;
                if (path != null) {
                    perPath.merge(path, 1, Integer::sum);
                }
            }
            clients = persistent(clients).plus(entry.getKey(), new Client(c.denied(), c.blacklisted(),
                    Math.max(c.workers(), held), c.crowding() || crowding, urls, vhost, now, c.requestsPerSec(), c.flooding()));
            if (crowding) {
                for (Map.Entry<String, Integer> hit : perPath.entrySet()) {
                    Target t = targets.getOrDefault(hit.getKey(), new Target(0, 0, vhost, now));
                    targets = withTarget(targets, hit.getKey(),
                            new Target(t.denied(), Math.max(t.workers(), hit.getValue()), vhost, now));
                }
            }
        }
        return new Held(clients, targets);
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

    /** A map of the state as a persistent one: a state restored from a checkpoint holds plain maps. */
    private static <V> PMap<String, V> persistent(Map<String, V> map) {
        return map instanceof PMap<String, V> known ? known : HashTreePMap.from(map);
    }

    private static Client newClient(long now) {
        return new Client(0, false, 0, false, List.of(), null, now, 0, false);
    }

    private static List<String> withUrl(List<String> urls, String url) {
        if (url == null || urls.contains(url) || urls.size() >= URLS_PER_CLIENT) {
            return urls;
        }
        List<String> more = new ArrayList<>(urls);
        more.add(url);
        return more;
    }

    /**
     * The targets with {@code target}, keeping the most hit: a flood of random URLs must not grow the
     * state without end. The least hit goes first, then the least recent, then by path.
     */
    private static PMap<String, Target> withTarget(Map<String, Target> targets, String path, Target target) {
        PMap<String, Target> kept = persistent(targets);
        if (!kept.containsKey(path) && kept.size() >= MAX_TARGETS) {
            String leastHit = kept.entrySet().stream()
                    .min(Comparator.comparingLong((Map.Entry<String, Target> e) -> e.getValue().denied() + e.getValue().workers())
                            .thenComparingLong(e -> e.getValue().lastSeen())
                            .thenComparing(Map.Entry::getKey))
                    .orElseThrow()
                    .getKey();
            kept = kept.minus(leastHit);
        }
        return kept.plus(path, target);
    }

    /** The entries last seen at {@code cutoff} or later; the same map when none is older. */
    private static <V> Map<String, V> seenSince(Map<String, V> map, long cutoff, ToLongFunction<V> lastSeen) {
        if (map.values().stream().allMatch(v -> lastSeen.applyAsLong(v) >= cutoff)) {
            return map;
        }
        Map<String, V> kept = new LinkedHashMap<>(map);
        kept.values().removeIf(v -> lastSeen.applyAsLong(v) < cutoff);
        return kept;
    }

    private static Double max(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
    }

    private static boolean blamed(Client c) {
        return c.denied() > 0 || c.blacklisted() || c.crowding() || c.flooding();
    }

    private Incident incident(String host, long start, Long end, String resolution, Load load, Evasive evasive,
                              Map<String, Client> clients, Map<String, Target> targets, Peaks peaks) {
        List<Map.Entry<String, Client>> blamed = clients.entrySet().stream()
                .filter(e -> blamed(e.getValue()))
                .sorted(Comparator.comparingLong((Map.Entry<String, Client> e) -> e.getValue().denied()).reversed()
                        .thenComparing(e -> !e.getValue().blacklisted())
                        .thenComparing(Comparator.comparingInt((Map.Entry<String, Client> e) -> e.getValue().workers()).reversed())
                        .thenComparing(Comparator.comparingDouble((Map.Entry<String, Client> e) -> e.getValue().requestsPerSec()).reversed())
                        .thenComparing(Map.Entry::getKey))
                .toList();
        long denied = clients.values().stream().mapToLong(Client::denied).sum();
        List<Map.Entry<String, Target>> hit = targets.entrySet().stream()
                .filter(e -> e.getValue().workers() >= CROWDING_MIN_WORKERS
                        || (denied > 0 && e.getValue().denied() >= TARGET_SHARE * denied))
                .sorted(Comparator.comparingLong((Map.Entry<String, Target> e) -> e.getValue().denied()).reversed()
                        .thenComparing(Comparator.comparingInt((Map.Entry<String, Target> e) -> e.getValue().workers()).reversed())
                        .thenComparing(Map.Entry::getKey))
                .limit(rule.topClients())
                .toList();
        List<Culprit> culprits = new ArrayList<>();
        for (Map.Entry<String, Client> e : blamed.subList(0, Math.min(blamed.size(), rule.topClients()))) {
            Client c = e.getValue();
            Map<String, Double> evidence = new LinkedHashMap<>();
            evidence.put("denied", (double) c.denied());
            evidence.put("blacklisted", c.blacklisted() ? 1.0 : 0.0);
            evidence.put("workers", (double) c.workers());
            if (c.requestsPerSec() > 0) {
                evidence.put("requestsPerSec", c.requestsPerSec());
            }
            Map<String, String> details = new LinkedHashMap<>();
            if (!c.urls().isEmpty()) {
                details.put("urls", String.join(",", c.urls()));
            }
            if (c.vhost() != null) {
                details.put("vhost", c.vhost());
            }
            culprits.add(new Culprit("client", e.getKey(), evidence, details));
        }
        for (Map.Entry<String, Target> e : hit) {
            Map<String, Double> evidence = new LinkedHashMap<>();
            evidence.put("denied", (double) e.getValue().denied());
            evidence.put("workers", (double) e.getValue().workers());
            Map<String, String> details = e.getValue().vhost() == null ? Map.of() : Map.of("vhost", e.getValue().vhost());
            culprits.add(new Culprit("url", e.getKey(), evidence, details));
        }
        boolean saturated = peaks.saturationPct() != null && peaks.saturationPct() >= rule.saturationPct();
        Severity severity = saturated ? Severity.CRITICAL : Severity.WARNING;
        String summary = summary(host, start, load, evasive, denied, clients, blamed, hit, peaks);
        return new Incident(host, SOURCE, start, Schema.VERSION, host + "-dos-" + start, IncidentKind.DOS,
                severity, rule.name(), start, end, resolution, summary, culprits, List.of());
    }

    private String summary(String host, long start, Load load, Evasive evasive, long denied, Map<String, Client> clients,
                           List<Map.Entry<String, Client>> blamed, List<Map.Entry<String, Target>> hit, Peaks peaks) {
        List<String> parts = new ArrayList<>();
        if (blamed.isEmpty()) {
            parts.add("no single client stands out");
        } else {
            Client top = blamed.get(0).getValue();
            parts.add(String.format(Locale.ROOT, "%d client%s to block, first %s (%d denied, %d workers%s)",
                    blamed.size(), blamed.size() == 1 ? "" : "s", blamed.get(0).getKey(), top.denied(), top.workers(),
                    top.requestsPerSec() > 0 ? String.format(Locale.ROOT, ", %.0f requests/s", top.requestsPerSec()) : ""));
        }
        long blacklisted = clients.values().stream().filter(Client::blacklisted).count();
        if (denied > 0) {
            parts.add(String.format(Locale.ROOT, "mod_evasive denied %d requests (peak %d/s)", denied, peaks.deniedPerSec()));
        }
        if (blacklisted > 0) {
            parts.add(String.format(Locale.ROOT, "mod_evasive blacklisted %d address%s", blacklisted, blacklisted == 1 ? "" : "es"));
        }
        if (peaks.rate() != null) {
            parts.add(String.format(Locale.ROOT, "peak %.0f req/s against a baseline of %s", peaks.rate(),
                    load.baseline() == null ? "none yet" : String.format(Locale.ROOT, "%.0f", load.baseline())));
        }
        if (peaks.saturationPct() != null) {
            parts.add(String.format(Locale.ROOT, "scoreboard up to %.0f%% busy", peaks.saturationPct()));
        }
        parts.add(hit.isEmpty() ? "no single URL stands out" : "most hit " + hit.get(0).getKey());
        if (evasive.problem() != null && evasive.problemTs() >= start - Math.max(rule.forMs(), rule.cooldownMs())) {
            parts.add("mod_evasive is misconfigured (" + evasive.problem() + ")");
        }
        return "DoS on " + host + ": " + String.join("; ", parts)
                + (blamed.isEmpty() ? "" : ". Block the named clients at the firewall: mod_evasive blocks per Apache child");
    }
}
