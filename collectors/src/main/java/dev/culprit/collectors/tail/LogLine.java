package dev.culprit.collectors.tail;

import java.nio.file.Path;

/** One complete line of a log, with where it starts (for the dead-letter topic and for tests). */
public record LogLine(Path file, long offset, String text) {}
