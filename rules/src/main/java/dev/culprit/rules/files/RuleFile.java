package dev.culprit.rules.files;

import dev.culprit.rules.RuleSet;
import dev.culprit.rules.dos.DosRule;
import dev.culprit.rules.iowait.IoWaitRule;
import dev.culprit.rules.mail.MailRule;

/**
 * One rule file that loaded: where it came from and the rule it holds. Each kind's record below
 * is also where its YAML keys are defined, so the keys sit next to the rule they fill in. A key a
 * file leaves out keeps the rule's {@code DEFAULT}.
 */
public sealed interface RuleFile {

    /** The file as it was named to the loader, e.g. {@code rules/dos.yaml}. */
    String file();

    RuleKind kind();

    /** The rule's {@code name:}, which its alerts show. */
    String name();

    /** {@code rules} with this file's rule in place of the one of its kind. */
    RuleSet applyTo(RuleSet rules);

    record IoWait(String file, IoWaitRule rule) implements RuleFile {
        static IoWait read(String file, RuleReader keys) {
            IoWaitRule d = IoWaitRule.DEFAULT;
            var rule = new IoWaitRule(
                    keys.name(d.name()),
                    keys.percent("thresholds.iowaitPct", d.iowaitPct()),
                    keys.percent("thresholds.pressureSomePct", d.pressureSomePct()),
                    keys.positive("thresholds.diskAwaitMs", d.diskAwaitMs()),
                    keys.positive("thresholds.diskQueueSize", d.diskQueueSize()),
                    keys.percent("thresholds.criticalPct", d.criticalPct()),
                    keys.duration("for", true, d.forMs()),
                    keys.duration("cooldown", true, d.cooldownMs()),
                    keys.duration("minUpdateInterval", true, d.minUpdateMs()),
                    keys.duration("silence", false, d.silenceMs()));
            double warning = Math.max(rule.iowaitPct(), rule.pressureSomePct());
            if (rule.criticalPct() < warning) {
                keys.problem("thresholds.criticalPct: " + fmt(rule.criticalPct()) + " is below the warning threshold "
                                + fmt(warning) + " (iowaitPct / pressureSomePct): an incident would start out critical",
                        "thresholds.criticalPct", "thresholds.iowaitPct", "thresholds.pressureSomePct");
            }
            return new IoWait(file, rule);
        }

        @Override
        public RuleKind kind() {
            return RuleKind.IOWAIT;
        }

        @Override
        public String name() {
            return rule.name();
        }

        @Override
        public RuleSet applyTo(RuleSet rules) {
            return rules.withIowait(rule);
        }
    }

    record Dos(String file, DosRule rule) implements RuleFile {
        static Dos read(String file, RuleReader keys) {
            DosRule d = DosRule.DEFAULT;
            return new Dos(file, new DosRule(
                    keys.name(d.name()),
                    keys.above("thresholds.rateFactor", 1, "a rate at its own baseline is normal traffic", d.rateFactor()),
                    keys.positive("thresholds.minRequestsPerSec", d.minRequestsPerSec()),
                    keys.duration("baselineHalfLife", false, d.baselineHalfLifeMs()),
                    keys.duration("baselineAdaptAfter", false, d.baselineAdaptAfterMs()),
                    keys.percent("thresholds.saturationPct", d.saturationPct()),
                    keys.positive("thresholds.deniedPerSec", d.deniedPerSec()),
                    keys.count("topClients", d.topClients()),
                    keys.duration("for", true, d.forMs()),
                    keys.duration("cooldown", true, d.cooldownMs()),
                    keys.duration("minUpdateInterval", true, d.minUpdateMs()),
                    keys.duration("silence", false, d.silenceMs())));
        }

        @Override
        public RuleKind kind() {
            return RuleKind.DOS;
        }

        @Override
        public String name() {
            return rule.name();
        }

        @Override
        public RuleSet applyTo(RuleSet rules) {
            return rules.withDos(rule);
        }
    }

    record Mail(String file, MailRule rule) implements RuleFile {
        static Mail read(String file, RuleReader keys) {
            MailRule d = MailRule.DEFAULT;
            return new Mail(file, new MailRule(
                    keys.name(d.name()),
                    keys.count("thresholds.mailsPerMinute", d.mailsPerMinute()),
                    keys.count("thresholds.recipientsPerWindow", d.recipientsPerWindow()),
                    keys.count("thresholds.recipientsPerMail", d.recipientsPerMail()),
                    keys.count("thresholds.sameSubject", d.sameSubject()),
                    keys.count("thresholds.newScriptMails", d.newScriptMails()),
                    keys.duration("window", false, d.windowMs()),
                    keys.count("topRecipientDomains", d.topRecipientDomains()),
                    keys.duration("cooldown", true, d.cooldownMs()),
                    keys.duration("minUpdateInterval", true, d.minUpdateMs()),
                    keys.duration("silence", false, d.silenceMs())));
        }

        @Override
        public RuleKind kind() {
            return RuleKind.MAIL;
        }

        @Override
        public String name() {
            return rule.name();
        }

        @Override
        public RuleSet applyTo(RuleSet rules) {
            return rules.withMail(rule);
        }
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
