package dev.culprit.rules.dos;

import java.io.Serializable;

/**
 * When a host is under a request flood. The condition holds while the request rate is both far
 * above its own recent baseline and above an absolute floor, or while the scoreboard stays
 * saturated, or while mod_evasive blacklists or denies clients; it must hold for {@code forMs}.
 *
 * @param rateFactor rate ≥ this × the EWMA baseline of the rate...
 * @param minRequestsPerSec ...and ≥ this many requests/s (a quiet site tripling is no flood)
 * @param baselineHalfLifeMs half-life of the rate's EWMA baseline; the baseline does not learn
 *     while the condition holds, so a long attack does not become normal
 * @param saturationPct busy / (busy + idle) workers at or above this is saturation
 * @param deniedPerSec mod_evasive denials per second (all clients) that count as an attack on their own
 * @param topClients how many client addresses and URLs an incident names
 */
public record DosRule(
        String name,
        double rateFactor, double minRequestsPerSec, long baselineHalfLifeMs,
        double saturationPct, double deniedPerSec,
        int topClients,
        long forMs, long cooldownMs, long minUpdateMs) implements Serializable {

    public static final DosRule DEFAULT = new DosRule("dos", 5, 200, 300_000, 90, 20, 10, 10_000, 60_000, 30_000);
}
