package dev.culprit.collectors.apache;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.Source;
import dev.culprit.collectors.SourceTally;
import dev.culprit.events.ApacheStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * mod_status pages saved as scripts/capture/apache-status.sh saves them: each page a file, and
 * {@code times.txt} listing every file with when its request started and when its response had
 * been read. Read one-shot, each {@code ?auto} page is one status read at its response time, with
 * the ExtendedStatus HTML page ({@code .html}) listed right after it as that read's worker
 * table, as the live poller reads both in one poll. There is nothing to poll live: saved pages
 * are a record of the past.
 */
public final class SavedStatusPages implements Source {

    static final String TIMES = "times.txt";
    /** The first line apache-status.sh writes into times.txt (with "<TAB>" spelt out). */
    private static final String TIMES_HEADER = "# file<TAB>request_start_epoch_ms<TAB>response_end_epoch_ms";

    private final Path dir;
    private final ApacheStatusPoller poller;
    private final SourceTally tally = new SourceTally(ApacheStatusPoller.SOURCE);

    /** @param poller names the server and the host, and carries the request count from page to page */
    public SavedStatusPages(Path dir, ApacheStatusPoller poller) {
        this.dir = dir;
        this.poller = poller;
    }

    /** Whether {@code dir} holds pages saved by apache-status.sh. */
    public static boolean isSaved(Path dir) throws IOException {
        Path times = dir.resolve(TIMES);
        if (!Files.isRegularFile(times)) {
            return false;
        }
        try (var lines = Files.lines(times)) {
            return lines.findFirst().filter(l -> l.startsWith(TIMES_HEADER)).isPresent();
        }
    }

    @Override
    public String name() {
        return ApacheStatusPoller.SOURCE;
    }

    /** Never polled for anything: see {@link #poll}. */
    @Override
    public Duration interval() {
        return Duration.ofMinutes(1);
    }

    /** Saved pages do not change: nothing new arrives live. */
    @Override
    public boolean poll(BatchSink sink) {
        return false;
    }

    @Override
    public void readToEnd(BatchSink sink) throws IOException {
        List<SavedPage> pages = pages();
        for (int i = 0; i < pages.size(); i++) {
            SavedPage auto = pages.get(i);
            if (auto.isHtml()) {
                continue; // read with the ?auto page before it; alone it has no counters to send
            }
            SavedPage html = i + 1 < pages.size() && pages.get(i + 1).isHtml() ? pages.get(i + 1) : null;
            ApacheStatus status = poller.saved(Files.readString(auto.file()), auto.file().toString(), auto.readAt(),
                    html == null ? null : Files.readString(html.file()), html == null ? null : html.file().toString());
            tally.read(1);
            if (!status.reachable()) {
                tally.failed(status.error());
            }
            tally.writeOrDrop(sink, List.of(status));
        }
    }

    @Override
    public SourceTally tally() {
        return tally;
    }

    /** One saved page and when its response had been read. */
    private record SavedPage(Path file, long readAt) {
        boolean isHtml() {
            return file.getFileName().toString().endsWith(".html");
        }
    }

    /** The pages times.txt lists, in the order they were read. */
    private List<SavedPage> pages() throws IOException {
        Path times = dir.resolve(TIMES);
        List<SavedPage> pages = new ArrayList<>();
        List<String> lines = Files.readAllLines(times);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            try {
                if (fields.length < 3) {
                    throw new NumberFormatException("expected FILE, request start and response end");
                }
                pages.add(new SavedPage(dir.resolve(fields[0]), Long.parseLong(fields[2])));
            } catch (NumberFormatException e) {
                throw new IOException(times + ":" + (n + 1) + ": not FILE<TAB>request_start_epoch_ms"
                        + "<TAB>response_end_epoch_ms: " + line);
            }
        }
        pages.sort(Comparator.comparingLong(SavedPage::readAt));
        return pages;
    }
}
