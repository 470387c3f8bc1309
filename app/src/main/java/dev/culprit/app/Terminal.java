package dev.culprit.app;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the operator's screen can take: how many columns, and whether colour is wanted.
 *
 * <p>Width: {@code COLUMNS} when it is set (shells do not export it by default, so
 * {@code COLUMNS=120 culprit ...} is the way to ask for another width); otherwise, on a terminal,
 * what {@code stty size} says of it; otherwise {@value #DEFAULT_WIDTH}. Colour only on a terminal,
 * and never when {@code NO_COLOR} is set to anything but the empty string (no-color.org).
 */
record Terminal(int width, boolean colour) {

    static final int DEFAULT_WIDTH = 100;
    /** Narrower than this, nothing fits anyway: a table keeps its must-have columns whole and overflows. */
    private static final int NARROWEST = 40;

    /** The terminal of this process's standard output. */
    static Terminal ofStdout() {
        return of(System.getenv(), System.console() != null);
    }

    /**
     * @param isTerminal whether the output goes to a terminal rather than a file or a pipe
     */
    static Terminal of(Map<String, String> env, boolean isTerminal) {
        String noColour = env.get("NO_COLOR");
        boolean colour = isTerminal && (noColour == null || noColour.isEmpty());
        Integer columns = columns(env.get("COLUMNS"));
        if (columns == null && isTerminal) {
            columns = sttyColumns();
        }
        return new Terminal(columns == null ? DEFAULT_WIDTH : Math.max(NARROWEST, columns), colour);
    }

    private static Integer columns(String text) {
        if (text == null || !text.strip().matches("\\d{1,5}")) {
            return null;
        }
        int n = Integer.parseInt(text.strip());
        return n > 0 ? n : null;
    }

    /** {@code stty size} prints "rows columns" of the terminal on its standard input; 0 when unknown (a bare pty). */
    private static Integer sttyColumns() {
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!stty.waitFor(1, TimeUnit.SECONDS)) {
                stty.destroy();
                return null;
            }
            String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip().split("\\s+");
            return size.length == 2 ? columns(size[1]) : null;
        } catch (IOException e) {
            return null; // no stty, no /dev/tty: the default width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The text cut to {@code columns} code points, the cut marked with an ellipsis. */
    static String cut(String text, int columns) {
        if (text.codePointCount(0, text.length()) <= columns) {
            return text;
        }
        if (columns <= 0) {
            return "";
        }
        return text.substring(0, text.offsetByCodePoints(0, columns - 1)) + "…";
    }

    /** Width on screen, counted in code points (what {@link TerminalText#printable} leaves is one column each, CJK aside). */
    static int length(String text) {
        return text.codePointCount(0, text.length());
    }
}
