package dev.culprit.collectors.phpmail;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The addresses a {@code mail()} call went to: its To argument and the To, Cc and Bcc lines of
 * its additional headers, which sendmail -t reads as recipients too. In the log PHP has
 * turned the headers' CR/LF into spaces, so a header starts wherever a run of spaces is
 * followed by {@code Name:}.
 */
final class Recipients {

    private static final Pattern HEADER_NAME = Pattern.compile("(?:^|\\s)([A-Za-z0-9-]+):");
    private static final Set<String> RECIPIENT_HEADERS = Set.of("to", "cc", "bcc");

    private Recipients() {}

    /** Lower-cased, each once, in the order they appear. */
    static List<String> of(String to, String headers) {
        Set<String> found = new LinkedHashSet<>();
        addresses(to, found);
        Matcher name = HEADER_NAME.matcher(headers);
        boolean inHeader = name.find();
        while (inHeader) {
            String header = name.group(1).toLowerCase(Locale.ROOT);
            int valueStart = name.end();
            inHeader = name.find();
            if (RECIPIENT_HEADERS.contains(header)) {
                addresses(headers.substring(valueStart, inHeader ? name.start() : headers.length()), found);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Addresses in a list like {@code Support <s@example.org>, a@example.com}: the part in
     * angle brackets where there is one, else every word with an {@code @}. The latter also
     * catches the address in {@code list@example.com Bcc: x@example.net}, a To argument with a
     * newline injected into it, which the MTA may well deliver to.
     */
    private static void addresses(String list, Set<String> found) {
        for (String part : list.split(",")) {
            int open = part.indexOf('<');
            int close = part.indexOf('>', open + 1);
            if (open >= 0 && close > open && part.substring(open + 1, close).contains("@")) {
                found.add(part.substring(open + 1, close).trim().toLowerCase(Locale.ROOT));
                continue;
            }
            for (String word : part.trim().split("\\s+")) {
                if (word.indexOf('@') > 0) {
                    found.add(word.toLowerCase(Locale.ROOT));
                }
            }
        }
    }
}
