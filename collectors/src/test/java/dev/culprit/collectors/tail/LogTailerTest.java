package dev.culprit.collectors.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailerTest {

    private static final int LINES = 30_000;

    @TempDir
    Path dir;

    /** Writes numbered lines with O_APPEND, like a logger, and rotates the log while writing. */
    private final class RotatingWriter implements Runnable {
        final Path log;
        final boolean copyTruncate;
        final AtomicBoolean done = new AtomicBoolean();

        RotatingWriter(Path log, boolean copyTruncate) {
            this.log = log;
            this.copyTruncate = copyTruncate;
        }

        @Override
        public void run() {
            try {
                OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                for (int i = 0; i < LINES; i++) {
                    out.write(("line " + i + " GET /index.php\n").getBytes(StandardCharsets.UTF_8));
                    if (i % 10_000 == 5_000) {
                        out.flush();
                        if (copyTruncate) {
                            // logrotate's copytruncate; the writer keeps its O_APPEND descriptor
                            Files.copy(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
                            try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
                                ch.truncate(0);
                            }
                        } else {
                            Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
                            Files.createFile(log);
                            // a daemon writes a little more to the old file before it reopens its log
                            for (int late = 0; late < 50; late++) {
                                out.write(("line " + (++i) + " GET /late\n").getBytes(StandardCharsets.UTF_8));
                            }
                            out.close();
                            out = Files.newOutputStream(log, StandardOpenOption.APPEND);
                        }
                    }
                    if (i % 500 == 0) {
                        out.flush();
                        Thread.sleep(1);
                    }
                }
                out.close();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                done.set(true);
            }
        }
    }

    private List<String> tailWhileWriting(boolean copyTruncate) throws Exception {
        Path log = dir.resolve("mail.log");
        Files.createFile(log);
        RotatingWriter writer = new RotatingWriter(log, copyTruncate);
        List<String> seen = new ArrayList<>();
        try (LogTailer tailer = new LogTailer(log, Optional.empty())) {
            Thread t = new Thread(writer);
            t.start();
            while (!writer.done.get()) {
                tailer.poll().lines().forEach(l -> seen.add(l.text()));
            }
            t.join();
            for (int i = 0; i < 3; i++) {
                tailer.poll().lines().forEach(l -> seen.add(l.text()));
            }
        }
        return seen;
    }

    private static List<Integer> numbers(List<String> lines) {
        return lines.stream().map(l -> Integer.parseInt(l.split(" ")[1])).sorted().toList();
    }

    @Test
    void renameAndCreateWhileWritingLosesAndRepeatsNothing() throws Exception {
        List<String> seen = tailWhileWriting(false);

        assertThat(numbers(seen)).isEqualTo(IntStream.range(0, numbers(seen).size()).boxed().toList());
        assertThat(seen).hasSizeGreaterThanOrEqualTo(LINES);
    }

    @Test
    void copyTruncateWhileWritingLosesAndRepeatsNothing() throws Exception {
        List<String> seen = tailWhileWriting(true);

        assertThat(numbers(seen)).isEqualTo(IntStream.range(0, LINES).boxed().toList());
    }

    @Test
    void aPartialLineWaitsForItsNewline() throws Exception {
        Path log = dir.resolve("error.log");
        Files.writeString(log, "");
        try (LogTailer tailer = new LogTailer(log, Optional.empty())) {
            Files.writeString(log, "[evasive20:error] first\n[evasive20:err", StandardOpenOption.APPEND);
            assertThat(tailer.poll().lines()).extracting(LogLine::text).containsExactly("[evasive20:error] first");

            Files.writeString(log, "or] second\n", StandardOpenOption.APPEND);
            assertThat(tailer.poll().lines()).extracting(LogLine::text).containsExactly("[evasive20:error] second");
        }
    }

    @Test
    void aSavedPositionResumesExactlyEvenAfterTheFileWasRotatedAway() throws Exception {
        Path log = dir.resolve("mail.log");
        Files.writeString(log, "a\nb\n");
        FilePosition saved;
        try (LogTailer tailer = new LogTailer(log, Optional.of(FilePosition.BEGINNING))) {
            assertThat(tailer.poll().lines()).extracting(LogLine::text).containsExactly("a", "b");
            saved = tailer.position();
        }
        Files.writeString(log, "c\n", StandardOpenOption.APPEND);       // written while we were down
        Files.move(log, dir.resolve("mail.log.1"));                      // then rotated away
        Files.writeString(log, "d\n");                                   // and a new log begun

        try (LogTailer tailer = new LogTailer(log, Optional.of(saved))) {
            assertThat(tailer.poll().lines()).extracting(LogLine::text).containsExactly("c", "d");
        }
    }

    @Test
    void liveTailingStartsAtTheEndOfAnExistingLog() throws Exception {
        Path log = dir.resolve("mail.log");
        Files.writeString(log, "old history\n");
        try (LogTailer tailer = new LogTailer(log, Optional.empty())) {
            Files.writeString(log, "new\n", StandardOpenOption.APPEND);

            assertThat(tailer.poll().lines()).extracting(LogLine::text).containsExactly("new");
        }
    }
}
