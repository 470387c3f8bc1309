package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;

import java.util.List;

/**
 * One {@code mail()} call as PHP's {@code mail.log} recorded it.
 *
 * @param script the file that called {@code mail()}; for code without a file, see {@code origin}
 * @param recipients addresses from To, Cc and Bcc, lower-cased
 * @param file the mail.log (or syslog) it was read from; null when not known (older archives)
 * @param offset the byte offset of its line in {@code file}; null when not known
 */
public record PhpMail(
        String host, String source, long ts, int v,
        String script, Integer line, Origin origin,
        List<String> recipients, String subject,
        @NullInOlderArchives String file, @NullInOlderArchives Long offset) implements Event, FromLogLine {

    @Override
    public PhpMail at(String file, long offset) {
        return new PhpMail(host, source, ts, v, script, line, origin, recipients, subject, file, offset);
    }

    public enum Origin { FILE, COMMAND_LINE, EVAL }

    /**
     * The most recipients one mail keeps (the first ones): far above any rule's per-mail limit, so a
     * mail Bcc'd to 40,000 addresses is still judged as the abuse it is, and its event still fits a
     * Kafka record.
     */
    public static final int MAX_RECIPIENTS = 5_000;

    public PhpMail {
        Schema.requireCommon(host, source, v);
        Schema.requireField(script, "script");
        Schema.requireField(origin, "origin");
        recipients = recipients == null ? List.of()
                : FieldLimit.capEach(recipients.size() > MAX_RECIPIENTS ? recipients.subList(0, MAX_RECIPIENTS) : recipients, FieldLimit.NAME);
        // the script and its mail's headers are the abuser's own words
        script = FieldLimit.cap(script, FieldLimit.NAME);
        subject = FieldLimit.cap(subject, FieldLimit.NAME);
    }
}
