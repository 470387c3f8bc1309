package dev.culprit.collectors.phpmail;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The addresses a {@code mail()} call went to: its To argument and the To, Cc and Bcc lines of
 * its additional headers, which sendmail -t reads as recipients too. In the log PHP has
 * turned the headers' CR/LF into spaces, so a header starts wherever a space is followed by
 * {@code Name:}. Inside a recipient header, a {@code name:} is the display name of an RFC 5322
 * group ({@code Bcc: undisclosed-recipients: a@x, b@y;}), not a new header, unless it names a
 * header the message could carry; a "header" whose value ends a group with {@code ;} is a group
 * named like a header ({@code To: From: a@x, b@y;}). Header names match in any case.
 */
final class Recipients {

    private static final Pattern HEADER_NAME = Pattern.compile("(?:^|\\s)([A-Za-z0-9-]+):");
    private static final Set<String> RECIPIENT_HEADERS = Set.of("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc");

    /** Header names that end a recipient header; any other {@code name:} inside one is a group's name. */
    private static final Set<String> OTHER_HEADERS = Set.of("from", "sender", "reply-to", "return-path", "errors-to",
            "subject", "date", "message-id", "in-reply-to", "references", "mime-version", "organization",
            "importance", "priority", "comments", "keywords", "user-agent", "precedence");

    private Recipients() {}

    /** Lower-cased, each once, in the order they appear. */
    static List<String> of(String to, String headers) {
        Set<String> found = new LinkedHashSet<>();
        addresses(to, found);
        List<int[]> starts = new ArrayList<>(); // [name start, value start] of each header
        Matcher name = HEADER_NAME.matcher(headers);
        boolean inRecipients = false;
        while (name.find()) {
            String header = name.group(1).toLowerCase(Locale.ROOT);
            boolean recipient = RECIPIENT_HEADERS.contains(header);
            if (inRecipients && !recipient && !isHeaderName(header)) {
                continue; // a group's display name inside the recipient header
            }
            starts.add(new int[] {name.start(1), name.end()});
            inRecipients = recipient;
        }
        for (int n = 0; n < starts.size(); n++) {
            int[] at = starts.get(n);
            String header = headers.substring(at[0], at[1] - 1).toLowerCase(Locale.ROOT);
            String value = headers.substring(at[1], n + 1 < starts.size() ? starts.get(n + 1)[0] : headers.length());
            if (RECIPIENT_HEADERS.contains(header) || (n > 0 && endsAGroup(value) && recipientHeaderBefore(headers, starts, n))) {
                addresses(value, found);
            }
        }
        return List.copyOf(found);
    }

    private static boolean isHeaderName(String header) {
        return OTHER_HEADERS.contains(header) || header.startsWith("x-") || header.startsWith("content-")
                || header.startsWith("list-") || header.startsWith("resent-");
    }

    private static boolean endsAGroup(String value) {
        return value.strip().endsWith(";") && value.indexOf('@') > 0;
    }

    private static boolean recipientHeaderBefore(String headers, List<int[]> starts, int n) {
        int[] before = starts.get(n - 1);
        return RECIPIENT_HEADERS.contains(headers.substring(before[0], before[1] - 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Addresses in a list like {@code Support <s@example.org>, a@example.com}: the part in
     * angle brackets where there is one, else every word with an {@code @}. The latter also
     * catches the address in {@code list@example.com Bcc: x@example.net}, a To argument with a
     * newline injected into it, which the MTA may well deliver to.
     */
    private static void addresses(String list, Set<String> found) {
        for (String part : list.split("[,;]")) {
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
