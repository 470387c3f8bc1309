package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcTickTest {

    private static final Path DD_WRITE = Path.of("src/test/resources/captured/proc/dd-write");

    @TempDir
    Path proc;

    @Test
    void bothSamplersOfATickMeasureTheSameIntervalFromOneReadOfUptime() throws IOException {
        copy(DD_WRITE.resolve("t0"));
        HostSampler host = new HostSampler(proc, "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY);
        ProcessSampler processes = new ProcessSampler(proc, "vm", Clock.systemUTC());
        ProcTick first = new ProcTick(proc);
        host.sample(first);
        processes.sample(first);

        copy(DD_WRITE.resolve("t1"));
        ProcTick second = new ProcTick(proc);
        List<Event> hostEvents = host.sample(second);
        // the kernel moves uptime on between the two samplers' reads; within one tick it is read once
        Files.writeString(proc.resolve("uptime"), "999999.99 0.00\n");
        var processEvents = processes.sample(second);

        long hostInterval = hostEvents.stream().filter(e -> e instanceof DiskSample)
                .mapToLong(e -> ((DiskSample) e).intervalMs()).findFirst().orElseThrow();
        assertThat(processEvents).isNotEmpty().allSatisfy(p -> assertThat(p.intervalMs()).isEqualTo(hostInterval));
    }

    @Test
    void aFileThatCannotBeReadFailsTheSameForEveryoneInTheTick() {
        ProcTick tick = new ProcTick(proc);

        assertThatThrownBy(() -> tick.bytes("diskstats")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> tick.bytes("diskstats")).isInstanceOf(NoSuchFileException.class);
    }

    private void copy(Path snapshot) throws IOException {
        try (var files = Files.walk(snapshot)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = proc.resolve(snapshot.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
