package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code /proc/PID/stat} and {@code /proc/PID/io} as the captured kernel printed them. */
class ProcCountersTest {

    @Test
    void aShellThatReapedItsChildShowsTheChildsFaultsAndCpuTime() {
        CapturedScenario childExit = CapturedScenario.named("child-exit");
        int bash = childExit.pid("parent-bash");

        ProcStat stat = ProcStat.parse(CapturedScenario.read(childExit.snapshot("t1").resolve(bash + "/stat")));

        assertThat(stat.pid()).isEqualTo(bash);
        assertThat(stat.comm()).isEqualTo("bash");
        assertThat(stat.state()).isEqualTo('S');
        assertThat(stat.childMinorFaults()).isEqualTo(345);
        assertThat(stat.childSystemTicks()).isEqualTo(12);
        assertThat(stat.startTicks()).isEqualTo(49220);
    }

    @Test
    void field42IsTheBlockIoDelayInTicks() {
        CapturedScenario delayacct = CapturedScenario.named("dd-write-delayacct");

        ProcStat dd = ProcStat.parse(CapturedScenario.read(delayacct.snapshot("t1").resolve(delayacct.pid("dd") + "/stat")));

        assertThat(dd.blkioTicks()).isEqualTo(76);
        assertThat(dd.ppid()).isEqualTo(delayacct.pid("dd-parent-bash"));
    }

    @Test
    void aKernelThreadsCommMayHoldASlash() {
        CapturedScenario idle = CapturedScenario.named("idle");

        ProcStat ksoftirqd = ProcStat.parse(CapturedScenario.read(idle.snapshot("t0").resolve(idle.pid("ksoftirqd0") + "/stat")));

        assertThat(ksoftirqd.comm()).isEqualTo("ksoftirqd/0");
        assertThat(ksoftirqd.ppid()).isEqualTo(idle.pid("kthreadd"));
    }

    @Test
    void aCommWithSpacesAndParenthesesIsReadWhole() throws Exception {
        Path self = Path.of("/proc/thread-self");
        assumeTrue(Files.isWritable(self.resolve("comm")), "needs Linux /proc");
        // Any process may name itself so; let the kernel print one for real.
        AtomicReference<String> stat = new AtomicReference<>();
        Thread named = new Thread(() -> {
            try {
                Files.writeString(self.resolve("comm"), "x) R 1 (y z");
                stat.set(Files.readString(self.resolve("stat")));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        named.start();
        named.join();

        ProcStat parsed = ProcStat.parse(stat.get());

        assertThat(parsed.comm()).isEqualTo("x) R 1 (y z");
        assertThat(parsed.state()).isEqualTo('R');
        assertThat(parsed.ppid()).isEqualTo(ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow().intValue());
    }

    @Test
    void aStatWithoutCommSaysSo() {
        assertThatThrownBy(() -> ProcStat.parse("27245 dd R 27243"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(comm)");
    }

    @Test
    void ioKeepsStorageBytesAndIgnoresCharactersReadFromCache() {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");

        ProcIo bystander = ProcIo.parse(CapturedScenario.read(
                ddWrite.snapshot("t1").resolve(ddWrite.pid("cpu-bystander-sha256sum") + "/io")));

        // rchar: 309759884, read_bytes: 0
        assertThat(bystander).isEqualTo(new ProcIo(0, 0, 0));
    }

    @Test
    void anIoWithoutByteCountsSaysSo() {
        assertThatThrownBy(() -> ProcIo.parse("rchar: 3980\nwchar: 0\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read_bytes");
    }
}
