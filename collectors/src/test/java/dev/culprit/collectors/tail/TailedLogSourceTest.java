package dev.culprit.collectors.tail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.SourceCounters;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import dev.culprit.events.PhpMail;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailedLogSourceTest {

    @TempDir
    Path dir;

    /** Everything the source makes of {@code log}, read once to its end; it must count 3 lines, 2 events, 1 unparseable. */
    private static List<Event> readMailLogWhereOneOfThreeLinesDoesNotParse(Path log) throws Exception {
        List<Event> out = new ArrayList<>();
        try (TailedLogSource source = new TailedLogSource("mail", log, LogKind.PHPMAIL.reader(ZoneOffset.UTC, Clock.systemUTC()),
                "web1", Clock.systemUTC(), Optional.empty())) {
            source.readToEnd((events, positions) -> out.addAll(events));
            assertThat(source.counters()).extracting(SourceCounters::read, SourceCounters::events, SourceCounters::unparseable)
                    .containsExactly(3L, 2L, 1L);
        }
        return out;
    }

    @Test
    void aLineThatDoesNotParseIsDeadLetteredWithFileOffsetAndReasonAndTheRestGoesOn() throws Exception {
        List<String> real = Files.readAllLines(Path.of("src/test/resources/captured/phpmail/file-mail-log.txt")).subList(0, 2);
        Path log = dir.resolve("mail.log");
        String broken = "[29-Nov-2026 20:40:36 UTC] mail() on [/var/www/html/contact.php:6]";
        Files.writeString(log, real.get(0) + "\n" + broken + "\n" + real.get(1) + "\n");

        List<Event> out = readMailLogWhereOneOfThreeLinesDoesNotParse(log);

        assertThat(out).filteredOn(PhpMail.class::isInstance).hasSize(2)
                .map(e -> (PhpMail) e).extracting(PhpMail::file, PhpMail::offset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(log.toString(), 0L),
                        org.assertj.core.groups.Tuple.tuple(log.toString(), (long) (real.get(0).length() + 1 + broken.length() + 1)));
        DeadLetter dead = (DeadLetter) out.stream().filter(DeadLetter.class::isInstance).findFirst().orElseThrow();
        assertThat(dead.file()).isEqualTo(log.toString());
        assertThat(dead.offset()).isEqualTo(real.get(0).length() + 1);
        assertThat(dead.raw()).isEqualTo(broken);
        assertThat(dead.reason()).isNotBlank();
        assertThat(dead.source()).isEqualTo("phpmail");
    }

    @Test
    void aLineOfHalfAGibibyteCostsBoundedMemoryIsDeadLetteredWithItsLengthAndTheLinesAroundItAreRead() throws Exception {
        List<String> real = Files.readAllLines(Path.of("src/test/resources/captured/phpmail/file-mail-log.txt")).subList(0, 2);
        Path log = dir.resolve("mail.log");
        long hugeLine = 1L << 29; // 512 MiB of NUL bytes, sparse on disk; kept whole (buffer, copy, string) it would not fit a 1 GiB heap
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
            file.write((real.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
            long hugeStart = file.length();
            file.setLength(hugeStart + hugeLine);
            file.seek(hugeStart + hugeLine);
            file.write(("\n" + real.get(1) + "\n").getBytes(StandardCharsets.UTF_8));
        }

        List<Event> out = readMailLogWhereOneOfThreeLinesDoesNotParse(log);

        assertThat(out).filteredOn(PhpMail.class::isInstance).map(e -> ((PhpMail) e).offset())
                .containsExactly(0L, real.get(0).length() + 1 + hugeLine + 1);
        DeadLetter dead = (DeadLetter) out.stream().filter(DeadLetter.class::isInstance).findFirst().orElseThrow();
        assertThat(dead.offset()).isEqualTo(real.get(0).length() + 1);
        assertThat(dead.reason()).contains("line of " + hugeLine + " bytes");
        assertThat(dead.raw()).hasSizeLessThanOrEqualTo(dev.culprit.events.text.FieldLimit.RAW).endsWith(" more characters]");
    }

    @Test
    void aFullSinkKeepsTheParsedBatchUntilThereIsRoomAndNothingIsParsedTwice() throws Exception {
        List<String> real = Files.readAllLines(Path.of("src/test/resources/captured/phpmail/file-mail-log.txt"));
        Path log = dir.resolve("mail.log");
        Files.write(log, real);
        AtomicInteger parsed = new AtomicInteger();
        TailedLogSource.Kind phpmail = LogKind.PHPMAIL.reader(ZoneOffset.UTC, Clock.systemUTC());
        TailedLogSource.Kind counting = new TailedLogSource.Kind(phpmail.source(), (host, line) -> {
            parsed.incrementAndGet();
            return phpmail.parser().parse(host, line);
        }, phpmail.aggregation());
        AtomicInteger refusals = new AtomicInteger(3);
        List<Event> out = new ArrayList<>();
        List<FilePosition> positions = new ArrayList<>();
        BatchSink fullThreeTimes = (events, at) -> {
            if (!events.isEmpty() && refusals.getAndDecrement() > 0) {
                return false;
            }
            out.addAll(events);
            positions.addAll(at.values());
            return true;
        };

        try (TailedLogSource source = new TailedLogSource("mail", log, counting, "web1", Clock.systemUTC(),
                Optional.of(FilePosition.BEGINNING))) {
            for (int poll = 0; poll < 20; poll++) {
                source.poll(fullThreeTimes);
            }
        }

        assertThat(out).filteredOn(PhpMail.class::isInstance).hasSize(real.size());
        assertThat(parsed.get()).as("lines parsed").isEqualTo(real.size());
        assertThat(positions.get(positions.size() - 1).offset()).isEqualTo(Files.size(log));
    }
}
