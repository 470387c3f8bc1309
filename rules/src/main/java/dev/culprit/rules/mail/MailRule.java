package dev.culprit.rules.mail;

import dev.culprit.rules.IncidentLifecycle;
import java.io.Serializable;

/**
 * When a PHP script's mail() use is abuse rather than a contact form. Each limit is per host and
 * script over the sliding {@code windowMs}; crossing any one makes an incident at once (there is no
 * hold time: every mail sent is already done). It stays open until every limit has been clear for
 * {@code cooldownMs}, and is critical once the script reached more than {@code recipientsPerWindow}
 * distinct recipients, which is when a host's address lands on block lists.
 *
 * <p>Why these defaults: a form answers one visitor per mail, to one or two fixed addresses, so it
 * stays far below 30 a minute and 100 recipients in ten minutes even on a busy site; a mailer
 * script sends as fast as PHP runs (the captured bulk mailer: 200 mails in 6 s, six recipients
 * each, three subjects in turn). Legitimate newsletters belong in a mailing-list system, not in
 * mail() from a web request, so tripping on them is acceptable. Scripts dropped by an intruder are
 * new, so a new script gets a lower bar than one that has mailed for longer than the window.
 *
 * @param mailsPerMinute more mails than this in any one minute
 * @param recipientsPerWindow more distinct recipients than this in the window
 * @param recipientsPerMail a single mail with more recipients than this (To + Cc + Bcc)
 * @param sameSubject more mails than this with one subject in the window
 * @param newScriptMails a script never seen sending before that sends more than this in the window
 * @param topRecipientDomains how many recipient domains, and sample subjects, an incident names
 * @param silenceMs an open incident resolves once the host has sent nothing (no mail, no status
 *     poll) for this long; longer than window and cool-down together, so a script that merely
 *     stops mailing is seen to stop by its limits clearing, and only a host that is gone ends by silence
 */
public record MailRule(
        String name,
        int mailsPerMinute, int recipientsPerWindow, int recipientsPerMail, int sameSubject, int newScriptMails,
        long windowMs, int topRecipientDomains,
        long cooldownMs, long minUpdateMs, long silenceMs) implements Serializable {

    public static final MailRule DEFAULT = new MailRule("mail", 30, 100, 50, 50, 20, 600_000, 5, 600_000, 60_000, 1_800_000);

    /** No hold time: every mail counted is already sent. */
    public IncidentLifecycle.Timing timing() {
        return new IncidentLifecycle.Timing(0, cooldownMs, minUpdateMs, silenceMs);
    }
}
