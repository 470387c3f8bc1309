package dev.culprit.collectors.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 500ms}, {@code 20s}, {@code 5m}, {@code 2h}, {@code 7d}. */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 20s");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Sizes as operators write them: {@code 512KiB}, {@code 256MiB}, {@code 2GiB}, or plain bytes. */
    public static long parseSize(String text) {
        Matcher m = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?").matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write e.g. 256MiB, 2GiB or a number of bytes");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return switch (unit) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
        };
    }
}
