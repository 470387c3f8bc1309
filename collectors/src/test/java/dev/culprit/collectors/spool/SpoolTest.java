package dev.culprit.collectors.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.CpuSample;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private static CpuSample cpu(int seq) {
        return new CpuSample("web1", "proc", seq, 1, 1000, 1, 0, 1, 1, 0, 97, null, null, null);
    }

    private static SpoolEntry entry(int seq, long offset) {
        return new SpoolEntry(List.of(EncodedEvent.of(cpu(seq))), Map.of("mail.log", new FilePosition(42, offset)));
    }

    @Test
    void aSpooledRecordIsTheEventsOwnEncodingAndDecodesBackToTheEvent() throws Exception {
        CpuSample sample = cpu(7);
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(sample), Map.of());
            EncodedEvent spooled = spool.read(0, 10, 0).get(0).entry().records().get(0);

            assertThat(spooled.topic()).isEqualTo(Topics.CPU);
            assertThat(spooled.host()).isEqualTo("web1");
            assertThat(spooled.ts()).isEqualTo(7L);
            assertThat(spooled.value()).isEqualTo(EventCodec.encode(sample));
            assertThat(spooled.decode()).isEqualTo(sample);
        }
    }

    @Test
    void aSpoolLeftByAnOlderCulpritStillShipsAfterAnUpgrade() throws Exception {
        // the layout before records were binary: a JSON entry holding each event's JSON as a string
        String older = "{\"records\":[{\"topic\":\"culprit.cpu\",\"key\":\"web1\",\"ts\":7,\"value\":"
                + EventCodec.mapper().writeValueAsString(EventCodec.encodeToString(cpu(7)))
                + "}],\"positions\":{\"mail.log\":{\"inode\":42,\"offset\":300}}}";
        byte[] payload = older.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(8 + payload.length).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        Files.write(dir.resolve(String.format("segment-%020d.log", 0)), record.array());

        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.positions()).containsEntry("mail.log", new FilePosition(42, 300));
            assertThat(spool.read(0, 10, 0).get(0).entry().records()).extracting(EncodedEvent::decode).containsExactly(cpu(7));
        }
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
    void aSpoolKeepsItsIdOwnerOnlyAcrossReopensAndAWipedOneHasANewOne() throws Exception {
        String id;
        try (Spool spool = Spool.open(dir.resolve("spool"), 1 << 20)) {
            id = spool.id();
            assertThat(spool.predatesId()).isFalse();
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("spool").resolve("spool-id")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Spool spool = Spool.open(dir.resolve("spool"), 1 << 20)) {
            assertThat(spool.id()).isEqualTo(id).hasSizeGreaterThanOrEqualTo(32);
        }
        try (Spool other = Spool.open(dir.resolve("other"), 1 << 20)) {
            assertThat(other.id()).isNotEqualTo(id);
        }
    }

    @Test
    void aSpoolWithEntriesButNoIdWasWrittenByAnOlderCulprit() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.append(entry(1, 100));
        }
        Files.delete(dir.resolve("spool-id"));
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.predatesId()).isTrue();
        }
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.predatesId()).isFalse();
        }
    }

    @Test
    void zerosACrashLeftAfterTheLastRecordAreCutOff() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.append(entry(1, 100));
        }
        Path segment;
        try (var files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        long written = Files.size(segment);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND); // the file grew, its data never reached the disk

        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.end()).isEqualTo(written);
            assertThat(spool.read(0, 10, 0)).extracting(r -> r.entry().records().get(0).ts()).containsExactly(1L);
        }
    }

    @Test
    void aRecordRottedBeforeAReopenIsSkippedAndTheRecordsAfterItKept() throws Exception {
        long rotted;
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.append(entry(1, 100));
            rotted = spool.end();
            spool.append(entry(2, 200));
            spool.append(entry(3, 300));
        }
        Path segment;
        try (var files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x5a}), rotted + 20); // the disk changed a byte of the second record
        }

        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.read(0, 10, 0)).extracting(r -> r.entry().records().get(0).ts()).containsExactly(1L);
            Spool.UnreadableEntry unreadable = assertThrows(Spool.UnreadableEntry.class, () -> spool.read(rotted, 10, 0));
            assertThat(unreadable.offset()).isEqualTo(rotted);
            assertThat(spool.read(unreadable.resumeAt(), 10, 0)).extracting(r -> r.entry().records().get(0).ts()).containsExactly(3L);
            assertThat(spool.positions()).containsEntry("mail.log", new FilePosition(42, 300));
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
