package dev.culprit.rules.mail;

import java.io.Serializable;

/**
 * When a PHP script's mail() use is abuse rather than a contact form. Each limit is per host and
 * script over the sliding {@code windowMs}; crossing any one makes an incident.
 *
 * @param mailsPerMinute more mails than this in any one minute
 * @param recipientsPerWindow more distinct recipients than this in the window
 * @param recipientsPerMail a single mail with more recipients than this (To + Cc + Bcc)
 * @param sameSubject more mails than this with one subject in the window
 * @param newScriptMails a script never seen sending before that sends more than this in the window
 * @param topRecipientDomains how many recipient domains, and sample subjects, an incident names
 */
public record MailRule(
        String name,
        int mailsPerMinute, int recipientsPerWindow, int recipientsPerMail, int sameSubject, int newScriptMails,
        long windowMs, int topRecipientDomains,
        long cooldownMs, long minUpdateMs) implements Serializable {

    public static final MailRule DEFAULT = new MailRule("mail", 30, 100, 50, 50, 20, 600_000, 5, 600_000, 60_000);
}
