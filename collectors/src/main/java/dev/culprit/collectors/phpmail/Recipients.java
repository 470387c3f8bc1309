package dev.culprit.collectors.phpmail;

import dev.culprit.collectors.Ascii;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

    private static final List<String> RECIPIENT_HEADERS = List.of("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc");

    /** Header names that end a recipient header; any other {@code name:} inside one is a group's name. */
    private static final List<String> OTHER_HEADERS = List.of("from", "sender", "reply-to", "return-path", "errors-to",
            "subject", "date", "message-id", "in-reply-to", "references", "mime-version", "organization",
            "importance", "priority", "comments", "keywords", "user-agent", "precedence");
    private static final List<String> OTHER_HEADER_PREFIXES = List.of("x-", "content-", "list-", "resent-");

    private Recipients() {}

    /**
     * Lower-cased, each once, in the order they appear: of the To argument {@code line[toStart, toEnd)}
     * and the headers {@code line[headersStart, headersEnd)}. Read in place, by hand rather than by
     * regular expressions: a mail flood is a line per mail, and every line comes through here.
     */
    static List<String> of(String line, int toStart, int toEnd, int headersStart, int headersEnd) {
        Set<String> found = new LinkedHashSet<>();
        addresses(line, toStart, toEnd, found);
        // Each header's value runs to where the next header's name starts, so a header is read
        // once the next one is found. "Recipient" is whether the header being read is To, Cc or
        // Bcc; "afterRecipient" whether the header before it was.
        int valueStart = -1;
        boolean recipient = false;
        boolean afterRecipient = false;
        for (int name = nextName(line, headersStart, headersStart, headersEnd); name >= 0;) {
            int colon = nameEnd(line, name, headersEnd);
            boolean nameIsRecipient = isOneOf(line, name, colon, RECIPIENT_HEADERS);
            if (!recipient || nameIsRecipient || isHeaderName(line, name, colon)) {
                if (valueStart >= 0) {
                    value(line, valueStart, name, recipient, afterRecipient, found);
                }
                afterRecipient = recipient;
                recipient = nameIsRecipient;
                valueStart = colon + 1;
            } // else a group's display name inside the recipient header: part of its value
            name = nextName(line, colon + 1, headersStart, headersEnd);
        }
        if (valueStart >= 0) {
            value(line, valueStart, headersEnd, recipient, afterRecipient, found);
        }
        return List.copyOf(found);
    }

    /**
     * Where the next header name at or after {@code from} starts: a run of {@code [A-Za-z0-9-]}
     * followed by {@code :}, at the start of the headers or after whitespace (the regular
     * expression {@code (?:^|\s)([A-Za-z0-9-]+):}); -1 when there is none. Found colon by colon,
     * looking back from each for the name, since colons are rare and indexOf finds them fast.
     */
    private static int nextName(String s, int from, int headersStart, int headersEnd) {
        for (int colon = s.indexOf(':', from); colon >= 0 && colon < headersEnd; colon = s.indexOf(':', colon + 1)) {
            // the run stops at the colon before, so it never reaches back past from
            int name = colon;
            while (name > from && isNameChar(s.charAt(name - 1))) {
                name--;
            }
            if (name < colon && (name == headersStart || Ascii.isSpace(s.charAt(name - 1)))) {
                return name;
            }
        }
        return -1;
    }

    /** The index of the {@code :} that ends the header name at {@code at}, or -1 when none starts there. */
    private static int nameEnd(String s, int at, int headersEnd) {
        int i = at;
        while (i < headersEnd && isNameChar(s.charAt(i))) {
            i++;
        }
        return i > at && i < headersEnd && s.charAt(i) == ':' ? i : -1;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }

    /** Whether the name {@code s[start, end)} is one of {@code names}, in any case. */
    private static boolean isOneOf(String s, int start, int end, List<String> names) {
        for (String name : names) {
            if (name.length() == end - start && s.regionMatches(true, start, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHeaderName(String s, int start, int end) {
        if (isOneOf(s, start, end, OTHER_HEADERS)) {
            return true;
        }
        for (String prefix : OTHER_HEADER_PREFIXES) {
            if (end - start >= prefix.length() && s.regionMatches(true, start, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }

    /** The addresses in a header's value {@code s[start, end)}, if it is a recipient header or a group named like a header. */
    private static void value(String s, int start, int end, boolean recipient, boolean afterRecipient, Set<String> found) {
        if (recipient || (afterRecipient && endsAGroup(s, start, end))) {
            addresses(s, start, end, found);
        }
    }

    /** Ends with {@code ;} (whitespace aside) and holds an {@code @} after its first character. */
    private static boolean endsAGroup(String s, int start, int end) {
        int last = end - 1;
        while (last >= start && Character.isWhitespace(s.charAt(last))) {
            last--; // what String.strip drops
        }
        return last >= start && s.charAt(last) == ';' && Ascii.indexOf(s, '@', start, end) > start;
    }

    /**
     * Addresses in a list like {@code Support <s@example.org>, a@example.com}: the part in
     * angle brackets where there is one, else every word with an {@code @}. The latter also
     * catches the address in {@code list@example.com Bcc: x@example.net}, a To argument with a
     * newline injected into it, which the MTA may well deliver to.
     */
    private static void addresses(String s, int start, int end, Set<String> found) {
        // parts between commas and semicolons
        for (int part = start; part <= end;) {
            int partEnd = part;
            while (partEnd < end && s.charAt(partEnd) != ',' && s.charAt(partEnd) != ';') {
                partEnd++;
            }
            addressesInPart(s, part, partEnd, found);
            part = partEnd + 1;
        }
    }

    private static void addressesInPart(String s, int start, int end, Set<String> found) {
        int open = Ascii.indexOf(s, '<', start, end);
        int close = open < 0 ? -1 : Ascii.indexOf(s, '>', open + 1, end);
        if (close > open && Ascii.indexOf(s, '@', open + 1, close) >= 0) {
            int address = trimStart(s, open + 1, close);
            found.add(lowerCase(s, address, trimEnd(s, address, close)));
            return;
        }
        // every run of non-whitespace with an @ after its first character, in the trimmed part
        int wordsEnd = trimEnd(s, start, end);
        for (int word = trimStart(s, start, end); word < wordsEnd;) {
            int wordEnd = word;
            while (wordEnd < wordsEnd && !Ascii.isSpace(s.charAt(wordEnd))) {
                wordEnd++;
            }
            if (Ascii.indexOf(s, '@', word, wordEnd) > word) {
                found.add(lowerCase(s, word, wordEnd));
            }
            word = wordEnd;
            while (word < wordsEnd && Ascii.isSpace(s.charAt(word))) {
                word++;
            }
        }
    }

    /** Where {@code s[start, end)} starts once {@code String.trim} has dropped what is at or below a space. */
    private static int trimStart(String s, int start, int end) {
        while (start < end && s.charAt(start) <= ' ') {
            start++;
        }
        return start;
    }

    /** Where {@code s[start, end)} ends once {@code String.trim} has dropped what is at or below a space. */
    private static int trimEnd(String s, int start, int end) {
        while (end > start && s.charAt(end - 1) <= ' ') {
            end--;
        }
        return end;
    }

    /** The address {@code s[start, end)}, lower-cased on its own: Unicode case rules look at the neighbours (a final sigma). */
    private static String lowerCase(String s, int start, int end) {
        return s.substring(start, end).toLowerCase(Locale.ROOT);
    }
}
