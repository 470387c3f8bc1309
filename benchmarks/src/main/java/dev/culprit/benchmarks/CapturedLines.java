package dev.culprit.benchmarks;

import java.util.List;

/**
 * A captured log's lines handed out one at a time, round and round: each benchmark operation
 * parses the next real line, so the JIT sees the mix of lines the log holds and no constant.
 */
final class CapturedLines {

    private final String[] lines;
    private int next;

    CapturedLines(List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no lines to parse");
        }
        this.lines = lines.toArray(String[]::new);
    }

    String next() {
        String line = lines[next];
        if (++next == lines.length) {
            next = 0;
        }
        return line;
    }
}
