package dev.culprit.testkit;

import java.util.List;
import java.util.Random;

/**
 * Lines for fuzzing parsers: real lines cut, swapped, bracketed, salted with non-ASCII and
 * control characters or blown up, and lines of pure noise made of the characters log
 * syntax is built from.
 */
public final class LineMutations {

    private static final String SYNTAX = "[]():-.,/<>@ \t0123456789abcdefxyzADZ:'\"\\";
    private static final String[] FRAGMENTS = {"[", "]", "[client ", "]: To: ", " -- Headers: ", " -- Subject: ",
            "mail() on [", ") : eval()'d code", "mod_evasive[", ": ", "Cc: ", "<", ">", "dos-", "::", "%",
            "ü", "\u0000", "\uFFFD", "\uD83D\uDE00", "\uD800", "\r", "\n", "é漢字"};

    private final List<String> realLines;
    private final Random random;

    public LineMutations(List<String> realLines, long seed) {
        this.realLines = realLines;
        this.random = new Random(seed);
    }

    public String next() {
        if (random.nextInt(10) == 0) {
            return noise(random.nextInt(400));
        }
        String line = realLines.get(random.nextInt(realLines.size()));
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            line = mutate(line);
        }
        return line;
    }

    private String mutate(String line) {
        int at = line.isEmpty() ? 0 : random.nextInt(line.length() + 1);
        return switch (random.nextInt(8)) {
            case 0 -> line.substring(0, at);
            case 1 -> line.substring(at) + line.substring(0, at);
            case 2, 3 -> line.substring(0, at) + FRAGMENTS[random.nextInt(FRAGMENTS.length)] + line.substring(at);
            case 4 -> line.isEmpty() ? line : line.substring(0, at) + line.substring(Math.min(line.length(), at + 1 + random.nextInt(20)));
            case 5 -> line.substring(0, at) + noise(random.nextInt(30)) + line.substring(at);
            case 6 -> line.substring(0, at) + realLines.get(random.nextInt(realLines.size()));
            default -> random.nextInt(50) == 0 ? huge(line, at) : line.toUpperCase();
        };
    }

    /** Some 100,000 characters: a real line repeated, or one syntax character over and over. */
    private String huge(String line, int at) {
        String filler = random.nextBoolean() || line.isEmpty()
                ? FRAGMENTS[random.nextInt(FRAGMENTS.length)]
                : line;
        return line.substring(0, at) + filler.repeat(100_000 / filler.length() + 1) + line.substring(at);
    }

    private String noise(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(20) == 0 ? (char) random.nextInt(0x3000) : SYNTAX.charAt(random.nextInt(SYNTAX.length())));
        }
        return s.toString();
    }

    /**
     * {@code line} with one to three characters inserted or replaced by characters of {@code syntax}:
     * a real line just off the shape a parser expects, for comparing two parsers on it.
     */
    public static String salted(String line, String syntax, Random random) {
        StringBuilder s = new StringBuilder(line);
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int at = random.nextInt(s.length() + 1);
            String piece = String.valueOf(syntax.charAt(random.nextInt(syntax.length())));
            if (random.nextBoolean() || at == s.length()) {
                s.insert(at, piece);
            } else {
                s.replace(at, at + 1, piece);
            }
        }
        return s.toString();
    }

    /** A line short enough for an assertion's message. */
    public static String abbreviated(String line) {
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }
}
