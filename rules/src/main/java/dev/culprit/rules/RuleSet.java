package dev.culprit.rules;

import dev.culprit.rules.dos.DosRule;
import dev.culprit.rules.iowait.IoWaitRule;
import dev.culprit.rules.mail.MailRule;
import java.io.Serializable;
import java.util.Objects;

/**
 * The rules one pipeline runs with: one per detection kind. Loaded from a rules directory by
 * {@link dev.culprit.rules.files.RuleFiles}; a kind without a file keeps its {@code DEFAULT}.
 */
public record RuleSet(IoWaitRule iowait, DosRule dos, MailRule mail) implements Serializable {

    public static final RuleSet DEFAULT = new RuleSet(IoWaitRule.DEFAULT, DosRule.DEFAULT, MailRule.DEFAULT);

    public RuleSet {
        Objects.requireNonNull(iowait, "iowait");
        Objects.requireNonNull(dos, "dos");
        Objects.requireNonNull(mail, "mail");
    }

    public RuleSet withIowait(IoWaitRule rule) {
        return new RuleSet(rule, dos, mail);
    }

    public RuleSet withDos(DosRule rule) {
        return new RuleSet(iowait, rule, mail);
    }

    public RuleSet withMail(MailRule rule) {
        return new RuleSet(iowait, dos, rule);
    }
}
