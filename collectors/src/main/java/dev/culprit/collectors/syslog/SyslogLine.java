package dev.culprit.collectors.syslog;

/**
 * What rsyslog put before a message: when, which host, which program.
 *
 * @param ts epoch millis
 * @param tag the program's ident ({@code mod_evasive}, {@code php}); empty when the line has none
 * @param pid the process id in {@code tag[pid]:}, or null when the program logs without one (PHP)
 */
public record SyslogLine(long ts, String host, String tag, Integer pid, String message) {}
