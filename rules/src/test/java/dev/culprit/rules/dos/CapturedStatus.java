package dev.culprit.rules.dos;

import dev.culprit.collectors.apache.AutoStatus;
import dev.culprit.collectors.apache.ExtendedStatusParser;
import dev.culprit.collectors.apache.ServerStatusParser;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The collectors' captured mod_status pages, read by the real parsers into the events the poller
 * would publish, at the times the capture script recorded (the end of each response).
 */
public final class CapturedStatus {

    public static final Path CAPTURED = Path.of("../collectors/src/test/resources/captured");
    public static final String HOST = "vm";
    private static final String SERVER = "http://127.0.0.1/server-status";

    private CapturedStatus() {}

    public static String read(String relative) {
        try {
            return Files.readString(CAPTURED.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code times.txt} of a capture folder: file or phase mark → epoch millis (the last column that is a number). */
    public static Map<String, Long> times(String folder) {
        Map<String, Long> times = new HashMap<>();
        for (String line : read(folder + "/times.txt").split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t");
            long ts = cells.length >= 3 && cells[2].matches("\\d+") ? Long.parseLong(cells[2]) : Long.parseLong(cells[1]);
            times.put(cells[0], ts);
        }
        return times;
    }

    /**
     * One poll: the {@code ?auto} page, and the HTML page's worker table when one was read with it.
     *
     * @param previous the poll before, for the rate; null for the first poll
     */
    public static ApacheStatus poll(long ts, String autoFile, String htmlFile, ApacheStatus previous) {
        AutoStatus auto = ServerStatusParser.parse(read(autoFile));
        List<ApacheStatus.WorkerRequest> workers = htmlFile == null ? List.of() : ExtendedStatusParser.parse(read(htmlFile));
        Double rate = null;
        if (previous != null && previous.totalAccesses() != null && auto.totalAccesses() != null
                && auto.totalAccesses() >= previous.totalAccesses() && ts > previous.ts()) {
            rate = (auto.totalAccesses() - previous.totalAccesses()) * 1000.0 / (ts - previous.ts());
        }
        return new ApacheStatus(HOST, "apache-status", ts, Schema.VERSION, SERVER, true, null,
                auto.uptimeSeconds(), auto.totalAccesses(), rate, auto.busyWorkers(), auto.idleWorkers(),
                auto.scoreboard().byLabel(), workers);
    }
}
