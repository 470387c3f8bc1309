package dev.culprit.rules.dos;

import dev.culprit.rules.IncidentLifecycle;
import java.io.Serializable;

/**
 * When a host is under a request flood. The condition holds while the request rate is both far
 * above its own recent baseline and above an absolute floor, or while the scoreboard stays
 * saturated, or while mod_evasive blacklists or denies clients; a rate or saturation breach must
 * hold for {@code forMs}; mod_evasive's denials count at once, its blacklistings only name clients. The baseline starts at the
 * first polled rate, so a flood already running when watching starts is learned as normal until it
 * ends; saturation and mod_evasive still catch it.
 *
 * @param rateFactor rate ≥ this × the EWMA baseline of the rate... (daily swings of a site's traffic
 *     stay within a factor of a few over a five-minute half-life; a flood multiplies it)
 * @param minRequestsPerSec ...and ≥ this many requests/s (a quiet site tripling is no flood; one
 *     client of curl alone makes 150/s, a load tool thousands)
 * @param baselineHalfLifeMs half-life of the rate's EWMA baseline; the baseline does not learn
 *     while the condition holds, so a long attack does not become normal...
 * @param baselineAdaptAfterMs ...unless the rate alone has held it this long, with no denial and no
 *     saturation: a flood that neither trips mod_evasive nor fills the workers for half an hour is
 *     traffic the host serves, and keeping the incident open would only teach operators to ignore it.
 *     The baseline then learns at its half-life, and the incident resolves once it has caught up
 *     within {@code rateFactor}: with the defaults, within some five minutes more
 * @param saturationPct busy workers as a share of every scoreboard slot (busy, idle and open) at or
 *     above this is saturation, and makes the incident critical: visitors then wait for a worker.
 *     Open slots count because Apache still starts workers into them: prefork ramping up under load
 *     shows 0 idle workers while most slots are free (captured: 18 busy, 0 idle, 132 open). The
 *     scoreboard is as long as the MaxRequestWorkers limit on Debian's MPM defaults; without a
 *     scoreboard, busy / (busy + idle).
 * @param deniedPerSec mod_evasive denials per second (all clients) that count as an attack on their
 *     own. One blacklisted address at curl's pace is denied some 100 times a second, and a visitor
 *     who trips DOSPageCount by reloading is denied a few times, so 20 tells the two apart. A blacklisting alone does not hold the condition, for the same reason
 * @param topClients how many client addresses and URLs an incident names
 * @param silenceMs an open incident resolves once the host has sent no status poll or mod_evasive
 *     line for this long
 */
public record DosRule(
        String name,
        double rateFactor, double minRequestsPerSec, long baselineHalfLifeMs, long baselineAdaptAfterMs,
        double saturationPct, double deniedPerSec,
        int topClients,
        long forMs, long cooldownMs, long minUpdateMs, long silenceMs) implements Serializable {

    public static final DosRule DEFAULT = new DosRule("dos", 5, 200, 300_000, 1_800_000, 90, 20, 10, 10_000, 60_000, 30_000, 120_000);

    public IncidentLifecycle.Timing timing() {
        return new IncidentLifecycle.Timing(forMs, cooldownMs, minUpdateMs, silenceMs);
    }
}
