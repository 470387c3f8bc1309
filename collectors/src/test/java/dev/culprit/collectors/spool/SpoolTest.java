package dev.culprit.collectors.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.CpuSample;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private static SpoolEntry entry(int seq, long offset) {
        return new SpoolEntry(
                List.of(SpooledRecord.of(new CpuSample("web1", "proc", seq, 1, 1000, 1, 0, 1, 1, 0, 97, null, null, null))),
                Map.of("mail.log", new FilePosition(42, offset)));
    }

    @Test
    void entriesAndPositionsSurviveAReopen() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.append(entry(1, 100));
            spool.append(entry(2, 200));
        }
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.read(0, 10, 0)).extracting(r -> r.entry().records().get(0).ts()).containsExactly(1L, 2L);
            assertThat(spool.positions()).containsEntry("mail.log", new FilePosition(42, 200));
        }
    }

    @Test
    void aRecordTornByACrashIsCutOffAndTheRestKept() throws Exception {
        long end;
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.append(entry(1, 100));
            end = spool.end();
            spool.append(entry(2, 200));
        }
        Path segment;
        try (var files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(end + 11); // the second record's header and a few bytes made it to disk
        }

        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.read(0, 10, 0)).hasSize(1);
            assertThat(spool.positions()).containsEntry("mail.log", new FilePosition(42, 100));
            assertThat(spool.append(entry(3, 300))).isTrue();
            assertThat(spool.read(0, 10, 0)).extracting(r -> r.entry().records().get(0).ts()).containsExactly(1L, 3L);
        }
    }

    @Test
    void aFullSpoolRefusesAndSaysSo() {
        try (Spool spool = Spool.open(dir, 600)) {
            int accepted = 0;
            while (spool.append(entry(accepted, accepted))) {
                accepted++;
            }
            assertThat(accepted).isBetween(1, 5);
            assertThat(spool.bytesUsed()).isLessThanOrEqualTo(600);
        }
    }
}
