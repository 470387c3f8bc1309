package dev.culprit.benchmarks;

import java.nio.file.Path;
import java.util.List;

/**
 * Whole captured files (status pages, /proc files) handed out one at a time, round and round,
 * with how many lines each holds, so that a benchmark counting files can count lines too.
 */
final class CapturedPages {

    private final String[] texts;
    private final int[] lineCounts;
    private int next;
    private int lastLines;

    CapturedPages(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no captured files to parse");
        }
        texts = files.stream().map(Checkout::text).toArray(String[]::new);
        lineCounts = new int[texts.length];
        for (int i = 0; i < texts.length; i++) {
            lineCounts[i] = (int) texts[i].lines().count();
        }
    }

    String next() {
        String text = texts[next];
        lastLines = lineCounts[next];
        if (++next == texts.length) {
            next = 0;
        }
        return text;
    }

    /** The lines of the file {@link #next} handed out last. */
    int lastLines() {
        return lastLines;
    }
}
