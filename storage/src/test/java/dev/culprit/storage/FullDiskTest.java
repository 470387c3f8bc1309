package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import dev.culprit.testkit.SmallFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk under the history fills up: what was committed before is kept, writes are refused
 * saying so while it is full, and succeed again once there is room, on the same data.
 */
class FullDiskTest {

    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path mountPoint;

    @Test
    void aCommittedWriteSurvivesTheDiskFillingAtOnceAndWritesResumeWhenThereIsRoom() throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(mountPoint, 24)) {
            Assumptions.assumeTrue(disk != null, "cannot mount a tmpfs here; RawEventSinkTest's refused writes still cover retries");
            Database db = DataDirectory.prepare(disk.root().resolve("data"), notice -> { }).database("culprit");
            RawEventStore store = new RawEventStore(db);
            store.save(List.of(sample("committed", 0)));
            // at once, before H2's background writer would have written the commit (it waited up to a second)
            disk.fill();

            // refused before H2 sees it: H2 does not survive a write the disk refuses (Database.FREE_SPACE_RESERVE)
            assertThatThrownBy(() -> store.save(samples("while-full")))
                    .hasMessageContaining("cannot store 2000 raw event(s)").hasMessageContaining("KiB free")
                    .hasMessageContaining("kept in reserve for the history");
            disk.free();
            store.save(samples("after"));

            assertThat(store.read(T0, T0 + 1, "committed")).as("the write committed before the disk filled").hasSize(1);
            assertThat(store.read(T0, T0 + 2_000_000, "after")).hasSize(2000);
            assertThat(store.read(T0, T0 + 2_000_000, "while-full")).isEmpty();
        }
    }

    private static List<Event> samples(String host) {
        List<Event> events = new ArrayList<>();
        for (int s = 0; s < 2000; s++) {
            events.add(sample(host, s));
        }
        return events;
    }

    private static CpuSample sample(String host, int second) {
        return new CpuSample(host, "proc", T0 + second * 1000L, 1, 1000, 5, 0, 5, 1, 0, 60, null, null, null);
    }
}
