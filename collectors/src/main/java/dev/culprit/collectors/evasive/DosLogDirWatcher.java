package dev.culprit.collectors.evasive;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.Source;
import dev.culprit.collectors.SourceTally;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.EvasiveEvent.Kind;
import dev.culprit.events.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Watches mod_evasive's DOSLogDir for the {@code dos-<IP>} file it creates when it blacklists
 * an address. The file is the one blacklisting record that does not depend on syslog, and
 * while it exists mod_evasive logs no new "Blacklisting" line for that address, so a new file
 * (or one deleted and created again: a new mtime) is a new blacklisting, stamped with its mtime.
 * Live, the files there at the first listing are old news; one-shot, every file is reported.
 */
public final class DosLogDirWatcher implements Source {

    public static final String SOURCE = "doslogdir";

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final String PREFIX = "dos-";
    private static final int PID_BYTES = 16;

    private final Path dir;
    private final String host;
    private final SourceTally tally = new SourceTally(SOURCE);
    private final Map<String, FileTime> seen = new HashMap<>();
    private boolean listedOnce;

    /** @param dir mod_evasive's DOSLogDir ({@code /var/log/apache2/evasive} in Debian's example) */
    public DosLogDirWatcher(Path dir, String host) {
        this.dir = dir;
        this.host = host;
    }

    @Override
    public String name() {
        return SOURCE;
    }

    @Override
    public Duration interval() {
        return POLL;
    }

    @Override
    public boolean poll(BatchSink sink) throws IOException {
        // The listing is not taken again: a blacklisting the sink has no room for is dropped and counted.
        tally.writeOrDrop(sink, List.copyOf(newBlacklistings()));
        return false;
    }

    @Override
    public void readToEnd(BatchSink sink) throws IOException {
        tally.writeOrDrop(sink, List.copyOf(blacklistings(list(), Map.of())));
    }

    @Override
    public SourceTally tally() {
        return tally;
    }

    /**
     * The blacklistings since the last call, oldest first; the first call only takes note of the
     * files there. A directory that does not exist yet holds none; one that cannot be read
     * throws, and the next call tries again.
     */
    private List<EvasiveEvent> newBlacklistings() throws IOException {
        Map<String, FileTime> now = list();
        List<EvasiveEvent> found = listedOnce ? blacklistings(now, seen) : List.of();
        // Forget deleted files, so that a file created again counts again.
        seen.clear();
        seen.putAll(now);
        listedOnce = true;
        return found;
    }

    /** The files of {@code now} that are not in {@code before} with the same mtime, oldest first. */
    private List<EvasiveEvent> blacklistings(Map<String, FileTime> now, Map<String, FileTime> before) {
        List<EvasiveEvent> found = new ArrayList<>();
        for (Map.Entry<String, FileTime> file : now.entrySet()) {
            if (!file.getValue().equals(before.get(file.getKey()))) {
                found.add(blacklisted(file.getKey(), file.getValue()));
            }
        }
        found.sort(Comparator.comparingLong(EvasiveEvent::ts).thenComparing(EvasiveEvent::client));
        return found;
    }

    private Map<String, FileTime> list() throws IOException {
        Map<String, FileTime> files = new HashMap<>();
        // notExists, not !exists: a directory we may not read (Debian's /var/log/apache2 is
        // root:adm 0750) must fail loudly, not look empty.
        if (Files.notExists(dir)) {
            return files;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (isBlacklisting(entry)) {
                    try {
                        files.put(name, Files.getLastModifiedTime(entry));
                    } catch (NoSuchFileException e) {
                        // deleted between listing and stat: it is gone, as if never listed
                    }
                }
            }
        }
        tally.read(1);
        return files;
    }

    /** Whether {@code file} is named as mod_evasive names a blacklisting: {@code dos-<IP>}. */
    public static boolean isBlacklisting(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(PREFIX) && IpLiteral.isAddress(name.substring(PREFIX.length()));
    }

    private EvasiveEvent blacklisted(String name, FileTime mtime) {
        return new EvasiveEvent(host, SOURCE, mtime.toMillis(), Schema.VERSION, Kind.BLACKLISTED,
                name.substring(PREFIX.length()), null, 1, blockingChild(dir.resolve(name)), dir.resolve(name).toString(), null);
    }

    /**
     * The file holds the PID of the Apache child that blocked the address. It may still be
     * empty (mod_evasive has created but not yet written it) or unreadable; then there is no
     * detail, and the blacklisting itself still counts.
     */
    private static String blockingChild(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String text = new String(in.readNBytes(PID_BYTES), StandardCharsets.US_ASCII).trim();
            return text.matches("\\d{1,9}") ? "child pid " + text : null;
        } catch (IOException e) {
            return null;
        }
    }
}
