package dev.culprit.rules.files;

/**
 * One mistake in a rule file, printed the way compilers print them: {@code file:line: reason}.
 *
 * @param line 1-based; 0 when the mistake is not on a line (a missing directory, an unreadable file)
 */
public record RuleProblem(String file, int line, String reason) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }
}
