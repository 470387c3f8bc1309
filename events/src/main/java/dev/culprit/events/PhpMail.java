package dev.culprit.events;

import java.util.List;

/**
 * One {@code mail()} call as PHP's {@code mail.log} recorded it.
 *
 * @param script the file that called {@code mail()}; for code without a file, see {@code origin}
 * @param recipients addresses from To, Cc and Bcc, lower-cased
 */
public record PhpMail(
        String host, String source, long ts, int v,
        String script, Integer line, Origin origin,
        List<String> recipients, String subject) implements Event {

    public enum Origin { FILE, COMMAND_LINE, EVAL }

    public PhpMail {
        Schema.requireCommon(host, source, v);
        Schema.requireField(script, "script");
        Schema.requireField(origin, "origin");
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }
}
