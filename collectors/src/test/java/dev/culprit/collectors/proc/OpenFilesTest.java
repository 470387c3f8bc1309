package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenFilesTest {

    @TempDir
    Path tmp;

    private static MountedDisks mountedDisksOf(Path procRoot) {
        return MountedDisks.parse(CapturedScenario.read(procRoot.resolve("self/mountinfo")),
                CapturedScenario.read(procRoot.resolve("diskstats")));
    }

    @Test
    void ddsOutputFileLivesOnVdaAndDevZeroOnNoDisk() {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        Path t1 = ddWrite.snapshot("t1");

        // fd.txt: 0 /dev/zero 0:6 (devtmpfs), 1 /var/tmp/culprit-dd 254:0, 2 ...stderr 254:0
        OpenFiles dd = OpenFiles.of(t1, ddWrite.pid("dd"), mountedDisksOf(t1));

        assertThat(dd.disks()).containsExactly("vda");
        assertThat(dd.files()).containsExactly("/var/tmp/culprit-dd", "/var/tmp/culprit-dd-write.stderr");
    }

    @Test
    void aProcessWithOnlyPseudoFilesNamesNoDisk() {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        Path t1 = ddWrite.snapshot("t1");

        OpenFiles sleep = OpenFiles.of(t1, ddWrite.pid("idle-sleep"), mountedDisksOf(t1));

        assertThat(sleep).isEqualTo(new OpenFiles(List.of(), List.of()));
    }

    @Test
    void aPartitionIsReportedAsItsWholeDisk() {
        MountedDisks captured = mountedDisksOf(CapturedScenario.named("dd-write").snapshot("t1"));

        assertThat(captured.wholeDisk("vda1")).isEqualTo("vda");
        assertThat(captured.wholeDisk("vda")).isEqualTo("vda");
        assertThat(captured.wholeDisk("zram0")).as("not a partition").isEqualTo("zram0");
    }

    @Test
    void onALiveHostTheFileWeAreWritingComesFirstWithItsDisk() throws IOException {
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self/fd")), "needs Linux /proc");
        Path written = tmp.resolve("culprit-open-files-test");
        String tmpDevice = OpenFiles.majorMinor((Long) Files.getAttribute(tmp, "unix:dev"));
        var tmpDisk = mountedDisksOf(proc).diskOf(tmpDevice);
        assumeTrue(tmpDisk.isPresent(), "the temp dir must be on a disk, not tmpfs or overlay");

        // This JVM also holds dozens of jars open for reading on the same disk.
        try (OutputStream out = Files.newOutputStream(written)) {
            out.write(new byte[8192]);
            OpenFiles ours = OpenFiles.of(proc, (int) ProcessHandle.current().pid(), mountedDisksOf(proc));

            assertThat(ours.files()).hasSizeLessThanOrEqualTo(OpenFiles.MAX_FILES).first().isEqualTo(written.toString());
            assertThat(ours.disks()).contains(tmpDisk.get());
        }
    }

    @Test
    void deviceNumbersDecodeAsGlibcEncodesThem() {
        assertThat(OpenFiles.majorMinor(0xfe00L)).isEqualTo("254:0");
        assertThat(OpenFiles.majorMinor(0x10301L)).isEqualTo("259:1");
    }
}
