package dev.culprit.app.report;

import dev.culprit.events.text.Durations;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.dos.DosRule;
import dev.culprit.rules.iowait.IoWaitRule;
import dev.culprit.rules.mail.MailRule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limits of the rule an incident's kind is judged by, as the rule files loaded now have them,
 * named by the files' own keys. Incidents keep only their rule's name, so a report can show the
 * loaded rule's limits and whether its name still matches, not the limits in force back then.
 *
 * @param name the loaded rule's name; null for a kind no rule file configures ({@code clock})
 * @param limits numeric thresholds by key, as the charts draw them
 * @param timing hold, cooldown and silence durations by key, as written in the files
 */
public record RuleThresholds(String name, Map<String, Double> limits, Map<String, String> timing) {

    public static RuleThresholds of(String kind, RuleSet rules) {
        Map<String, Double> limits = new LinkedHashMap<>();
        Map<String, String> timing = new LinkedHashMap<>();
        switch (kind) {
            case "iowait" -> {
                IoWaitRule r = rules.iowait();
                limits.put("iowaitPct", r.iowaitPct());
                limits.put("pressureSomePct", r.pressureSomePct());
                limits.put("diskAwaitMs", r.diskAwaitMs());
                limits.put("diskQueueSize", r.diskQueueSize());
                limits.put("criticalPct", r.criticalPct());
                timing.put("for", Durations.of(r.forMs()));
                timing.put("cooldown", Durations.of(r.cooldownMs()));
                timing.put("silence", Durations.of(r.silenceMs()));
                return new RuleThresholds(r.name(), limits, timing);
            }
            case "dos" -> {
                DosRule r = rules.dos();
                limits.put("rateFactor", r.rateFactor());
                limits.put("minRequestsPerSec", r.minRequestsPerSec());
                limits.put("saturationPct", r.saturationPct());
                limits.put("deniedPerSec", r.deniedPerSec());
                timing.put("for", Durations.of(r.forMs()));
                timing.put("cooldown", Durations.of(r.cooldownMs()));
                timing.put("silence", Durations.of(r.silenceMs()));
                return new RuleThresholds(r.name(), limits, timing);
            }
            case "mail" -> {
                MailRule r = rules.mail();
                limits.put("mailsPerMinute", (double) r.mailsPerMinute());
                limits.put("recipientsPerWindow", (double) r.recipientsPerWindow());
                limits.put("recipientsPerMail", (double) r.recipientsPerMail());
                limits.put("sameSubject", (double) r.sameSubject());
                limits.put("newScriptMails", (double) r.newScriptMails());
                timing.put("window", Durations.of(r.windowMs()));
                timing.put("cooldown", Durations.of(r.cooldownMs()));
                timing.put("silence", Durations.of(r.silenceMs()));
                return new RuleThresholds(r.name(), limits, timing);
            }
            default -> {
                return new RuleThresholds(null, limits, timing);
            }
        }
    }
}
