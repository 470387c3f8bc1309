package dev.culprit.collectors.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.CpuSample;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.RandomSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts cloned from one image report the same host name, each with its own spool: both ship
 * everything, once, and neither fences the other or resumes at the other's offset.
 */
@Tag("slow")
class ClonedCollectorsTest {

    private static final String HOST = "clone";
    private static final long NOW = System.currentTimeMillis();

    @TempDir
    Path dir;

    @Test
    void twoCollectorsOfOneHostNameBothShipEverythingOnce() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate());
        kafka.createTopics(Topics.ALL);
        try (CapturedLog log = new CapturedLog(KafkaShipper.class);
             Spool first = Spool.open(dir.resolve("first"), 1 << 20);
             Spool second = Spool.open(dir.resolve("second"), 1 << 20);
             KafkaShipper firstShipper = new KafkaShipper(first, kafka.access(), HOST).start();
             KafkaShipper secondShipper = new KafkaShipper(second, kafka.access(), HOST).start()) {
            // entries of one size in both spools: each one's offsets are offsets of the other's entries too
            for (long seq = 0; seq < 60; seq++) {
                first.write(List.of(cpu(1_000 + seq)), Map.of());
                second.write(List.of(cpu(2_000 + seq)), Map.of());
                Thread.sleep(50);
            }
            assertThat(firstShipper.awaitShipped(Duration.ofSeconds(60))).as("the first spool shipped").isTrue();
            assertThat(secondShipper.awaitShipped(Duration.ofSeconds(60))).as("the second spool shipped").isTrue();
            // a fenced producer fails its transaction, and the shipper says it cannot ship
            assertThat(log.lines()).as("what the shippers said").noneSatisfy(line -> assertThat(line).contains("cannot ship"));
        }

        List<Long> arrived = new ArrayList<>(Shipped.readCommitted(kafka.access(), Topics.CPU, Duration.ofSeconds(3)).stream()
                .map(r -> EventCodec.decode(r.value(), CpuSample.class).ts() - NOW).toList());
        kafka.close();
        arrived.sort(null);
        List<Long> expected = new ArrayList<>(LongStream.range(1_000, 1_060).boxed().toList());
        expected.addAll(LongStream.range(2_000, 2_060).boxed().toList());
        assertThat(arrived).isEqualTo(expected);
    }

    /** The {@code seq}th sample, timed from now: one of 1970 would be deleted by the broker's first retention check. */
    private static CpuSample cpu(long seq) {
        return new CpuSample(HOST, "proc", NOW + seq, 1, 20, 1, 0, 1, 1, 0, 97, null, null, null);
    }
}
