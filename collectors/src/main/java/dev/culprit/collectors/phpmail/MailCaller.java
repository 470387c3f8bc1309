package dev.culprit.collectors.phpmail;

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

    /** The caller, or empty when {@code location} is not {@code FILE:LINE} in one of PHP's forms. */
    static Optional<MailCaller> parse(String location) {
        int eval = location.indexOf(EVAL);
        if (eval >= 0) {
            // The first marker is the outermost eval; its "(N)" is the line in the real file.
            int open = location.lastIndexOf('(', eval);
            if (open <= 0) {
                return Optional.empty();
            }
            Optional<Integer> line = number(location.substring(open + 1, eval));
            if (line.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new MailCaller(location.substring(0, open), line.get(), Origin.EVAL));
        }
        int colon = location.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String script = location.substring(0, colon);
        return number(location.substring(colon + 1))
                .map(line -> new MailCaller(script, line, NO_FILE.contains(script) ? Origin.COMMAND_LINE : Origin.FILE));
    }

    private static Optional<Integer> number(String digits) {
        return digits.matches("\\d{1,9}") ? Optional.of(Integer.valueOf(digits)) : Optional.empty();
    }
}
