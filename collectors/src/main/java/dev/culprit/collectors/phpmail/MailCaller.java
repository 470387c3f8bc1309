package dev.culprit.collectors.phpmail;

import dev.culprit.collectors.Ascii;
import dev.culprit.events.PhpMail.Origin;
import java.util.Optional;
import java.util.Set;

/**
 * Who called {@code mail()}, from the {@code [FILE:LINE]} PHP logs: a script file, code given
 * on the command line, or eval()'d code, which PHP names after the file (and line) that called
 * eval: {@code /path/cache.php(3) : eval()'d code:1}. For eval the culprit is that file and
 * line; the line inside the eval'd string says little.
 */
record MailCaller(String script, int line, Origin origin) {

    private static final String EVAL = ") : eval()'d code";
    // What PHP calls code that has no file: php -r, php < file, php -a.
    private static final Set<String> NO_FILE = Set.of("Command line code", "Standard input code", "php shell code");

    /**
     * The caller, or empty when {@code location[start, end)} is not {@code FILE:LINE} in one of
     * PHP's forms. Read in place, without cutting the location out of the line first.
     */
    static Optional<MailCaller> parse(String location, int start, int end) {
        int eval = location.indexOf(EVAL, start);
        if (eval >= 0 && eval + EVAL.length() <= end) {
            // The first marker is the outermost eval; its "(N)" is the line in the real file.
            int open = location.lastIndexOf('(', eval);
            int line = open > start ? number(location, open + 1, eval) : -1;
            return line < 0 ? Optional.empty() : Optional.of(new MailCaller(location.substring(start, open), line, Origin.EVAL));
        }
        int colon = location.lastIndexOf(':', end - 1);
        int line = colon > start ? number(location, colon + 1, end) : -1;
        if (line < 0) {
            return Optional.empty();
        }
        String script = location.substring(start, colon);
        return Optional.of(new MailCaller(script, line, NO_FILE.contains(script) ? Origin.COMMAND_LINE : Origin.FILE));
    }

    /** The number {@code s[from, to)} writes in one to nine ASCII digits ({@code \d{1,9}}), or -1 when it is not one. */
    private static int number(String s, int from, int to) {
        int count = to - from;
        return count >= 1 && count <= 9 && Ascii.isDigits(s, from, count) ? Ascii.number(s, from, count) : -1;
    }
}
