package dev.culprit.rules.files;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a rule file configures, as its {@code kind:} key names it. */
public enum RuleKind {
    IOWAIT("iowait"), DOS("dos"), MAIL("mail");

    private final String word;

    RuleKind(String word) {
        this.word = word;
    }

    public static Optional<RuleKind> of(String word) {
        return Arrays.stream(values()).filter(k -> k.word.equals(word)).findFirst();
    }

    static String words() {
        return Arrays.stream(values()).map(RuleKind::toString).collect(Collectors.joining(", "));
    }

    /** The word written after {@code kind:}. */
    @Override
    public String toString() {
        return word;
    }
}
