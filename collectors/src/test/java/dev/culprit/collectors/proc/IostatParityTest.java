package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For each pair of /proc trees, Culprit's figures are those sysstat's {@code iostat -x} printed for
 * the very same pair (scripts/capture/iostat-reference.sh runs iostat over the captured files), within
 * 1 % or 0.01. Captured cases are real trees under load; derived cases are edits of them (old kernels'
 * formats, disks coming and going, counters stepping back) whose {@code expected.txt} names the figures
 * Culprit deliberately leaves out where iostat's would be absurd.
 */
class IostatParityTest {

    private static final List<Path> ROOTS = List.of(
            Path.of("src/test/resources/captured/iostat"), Path.of("src/test/resources/cases/iostat"));

    private static final Map<String, ToDoubleFunction<DiskSample>> DISK_COLUMNS = new LinkedHashMap<>();
    private static final Map<String, ToDoubleFunction<CpuSample>> CPU_COLUMNS = new LinkedHashMap<>();

    static {
        DISK_COLUMNS.put("r/s", DiskSample::readsPerSec);
        DISK_COLUMNS.put("w/s", DiskSample::writesPerSec);
        DISK_COLUMNS.put("d/s", DiskSample::discardsPerSec);
        DISK_COLUMNS.put("f/s", DiskSample::flushesPerSec);
        DISK_COLUMNS.put("rkB/s", DiskSample::readKbPerSec);
        DISK_COLUMNS.put("wkB/s", DiskSample::writeKbPerSec);
        DISK_COLUMNS.put("dkB/s", DiskSample::discardKbPerSec);
        DISK_COLUMNS.put("r_await", DiskSample::readAwaitMs);
        DISK_COLUMNS.put("w_await", DiskSample::writeAwaitMs);
        DISK_COLUMNS.put("d_await", DiskSample::discardAwaitMs);
        DISK_COLUMNS.put("f_await", DiskSample::flushAwaitMs);
        DISK_COLUMNS.put("aqu-sz", DiskSample::queueSize);
        DISK_COLUMNS.put("%util", DiskSample::utilPct);
        CPU_COLUMNS.put("%user", CpuSample::userPct);
        CPU_COLUMNS.put("%nice", CpuSample::nicePct);
        CPU_COLUMNS.put("%system", CpuSample::systemPct);
        CPU_COLUMNS.put("%iowait", CpuSample::iowaitPct);
        CPU_COLUMNS.put("%steal", CpuSample::stealPct);
        CPU_COLUMNS.put("%idle", CpuSample::idlePct);
    }

    @TempDir
    Path procRoot;

    static Stream<Path> cases() throws IOException {
        Stream<Path> all = Stream.empty();
        for (Path root : ROOTS) {
            try (Stream<Path> dirs = Files.list(root)) {
                all = Stream.concat(all, dirs.filter(d -> Files.exists(d.resolve("iostat.txt"))).sorted().toList().stream());
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void culpritPrintsWhatIostatPrinted(Path caseDir) throws IOException {
        IostatReport iostat = IostatReport.parse(Files.readString(caseDir.resolve("iostat.txt")));
        Set<String> absent = absentIn(caseDir);
        List<Event> events = sampleAcross(caseDir);
        Map<String, DiskSample> disks = events.stream().filter(DiskSample.class::isInstance).map(DiskSample.class::cast)
                .collect(Collectors.toMap(DiskSample::device, d -> d));
        List<CpuSample> cpu = events.stream().filter(CpuSample.class::isInstance).map(CpuSample.class::cast).toList();

        SoftAssertions softly = new SoftAssertions();
        if (absent.contains("avg-cpu")) {
            softly.assertThat(cpu).as("avg-cpu").isEmpty();
        } else {
            softly.assertThat(cpu).as("avg-cpu").hasSize(1);
            cpu.forEach(c -> CPU_COLUMNS.forEach((column, figure) ->
                    expectClose(softly, "avg-cpu " + column, figure.applyAsDouble(c), iostat.cpu(column))));
        }
        int disksChecked = 0;
        for (Map.Entry<String, Map<String, Double>> row : iostat.devices().entrySet()) {
            String device = row.getKey();
            DiskSample sample = disks.get(device);
            if (!DeviceFilter.DISKS_ONLY.accepts(device)) {
                softly.assertThat(sample).as(device + " is not a disk").isNull();
            } else if (absent.contains(device)) {
                disksChecked++;
                softly.assertThat(sample).as(device + " has no figures").isNull();
            } else if (sample == null) {
                softly.assertThat(row.getValue().values()).as(device + ": iostat printed it, Culprit did not: never used?")
                        .allMatch(v -> v == 0);
            } else {
                disksChecked++;
                DISK_COLUMNS.forEach((column, figure) ->
                        expectClose(softly, device + " " + column, figure.applyAsDouble(sample), row.getValue().get(column)));
            }
        }
        softly.assertThat(disks.keySet()).as("devices iostat did not print").isSubsetOf(iostat.devices().keySet());
        softly.assertThat(disksChecked).as("disks checked").isPositive();
        softly.assertAll();
    }

    private static void expectClose(SoftAssertions softly, String what, double culprit, Double iostat) {
        softly.assertThat(iostat).as(what + ": column in iostat's report").isNotNull();
        if (iostat != null) {
            double tolerance = Math.max(0.01, Math.abs(iostat) * 0.01);
            softly.assertThat(Math.abs(culprit - iostat)).as("%s: Culprit %.4f, iostat %.2f", what, culprit, iostat)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    /** {@code absent WHAT<TAB>why} lines of the case's expected.txt: a device name or {@code avg-cpu}. */
    private static Set<String> absentIn(Path caseDir) throws IOException {
        Path expected = caseDir.resolve("expected.txt");
        if (!Files.exists(expected)) {
            return Set.of();
        }
        return Files.readAllLines(expected).stream().filter(l -> l.startsWith("absent "))
                .map(l -> l.substring("absent ".length()).split("\t")[0].trim()).collect(Collectors.toSet());
    }

    private List<Event> sampleAcross(Path caseDir) throws IOException {
        HostSampler sampler = new HostSampler(procRoot, "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY);
        copyTree(caseDir.resolve("t0"));
        assertThat(sampler.sample()).as("the first read only sets the baseline").isEmpty();
        copyTree(caseDir.resolve("t1"));
        return sampler.sample();
    }

    private void copyTree(Path snapshot) throws IOException {
        for (String file : List.of("stat", "diskstats", "uptime", "pressure/io")) {
            Path target = procRoot.resolve(file);
            if (Files.exists(snapshot.resolve(file))) {
                Files.createDirectories(target.getParent());
                Files.copy(snapshot.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(target);
            }
        }
    }

    /** One interval report of {@code iostat -x}, columns named by its header lines. */
    private record IostatReport(Map<String, Double> cpuRow, Map<String, Map<String, Double>> devices) {

        Double cpu(String column) {
            return cpuRow.get(column);
        }

        static IostatReport parse(String text) {
            List<String> lines = text.lines().toList();
            Map<String, Double> cpu = new HashMap<>();
            Map<String, Map<String, Double>> devices = new LinkedHashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("avg-cpu:")) {
                    cpu = row(words(line.substring("avg-cpu:".length())), words(lines.get(i + 1)));
                } else if (line.startsWith("Device")) {
                    List<String> header = words(line);
                    for (int j = i + 1; j < lines.size() && !lines.get(j).isBlank(); j++) {
                        List<String> values = words(lines.get(j));
                        devices.put(values.get(0), row(header.subList(1, header.size()), values.subList(1, values.size())));
                    }
                }
            }
            assertThat(cpu).as("iostat's avg-cpu columns").containsKeys(CPU_COLUMNS.keySet().toArray(String[]::new));
            assertThat(devices).as("iostat's device rows").isNotEmpty();
            devices.values().forEach(row -> assertThat(row).as("iostat -x columns")
                    .containsKeys(DISK_COLUMNS.keySet().toArray(String[]::new)));
            return new IostatReport(cpu, devices);
        }

        private static Map<String, Double> row(List<String> names, List<String> values) {
            assertThat(values).as("one figure per column " + names).hasSameSizeAs(names);
            Map<String, Double> row = new LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) {
                row.put(names.get(k), Double.parseDouble(values.get(k)));
            }
            return row;
        }

        private static List<String> words(String line) {
            return Arrays.stream(line.trim().split("\\s+")).toList();
        }
    }
}
