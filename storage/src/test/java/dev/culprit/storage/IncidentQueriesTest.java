package dev.culprit.storage;

import static dev.culprit.storage.IncidentFixtures.HOSTILE;
import static dev.culprit.storage.IncidentFixtures.HOUR;
import static dev.culprit.storage.IncidentFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.Alert;
import dev.culprit.events.IncidentKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentQueriesTest {

    @TempDir
    Path dir;

    private DataDirectory data;
    private IncidentQueries queries;

    @BeforeEach
    void writeIncidents() {
        data = DataDirectory.prepare(dir, notice -> { });
        IncidentFixtures.write(new IncidentStore(data.database("culprit")));
        queries = IncidentQueries.open(data.reader("culprit"));
    }

    private List<String> ids(IncidentFilter filter) {
        return queries.list(filter).stream().map(IncidentSummary::id).toList();
    }

    private static IncidentFilter since(Instant since) {
        return new IncidentFilter(since, null, null, null, null, false, 100);
    }

    private static IncidentFilter culprit(String text) {
        return new IncidentFilter(null, null, null, null, text, false, 100);
    }

    @Test
    void everythingIsListedNewestFirstWithItsTopCulprit() {
        List<IncidentSummary> all = queries.list(IncidentFilter.all(100));

        assertThat(all).extracting(IncidentSummary::id)
                .containsExactly("mail-flood", "dos-burst", "hostile", "lookalike", "long-iowait", "old-iowait");
        IncidentSummary longIowait = all.get(4);
        assertThat(longIowait.topCulpritName()).isEqualTo("812 mariadbd");
        assertThat(longIowait.topCulpritRole()).isEqualTo("process");
        assertThat(longIowait.open()).isTrue();
        assertThat(all.get(5).end()).isEqualTo(NOW - 26 * HOUR);
    }

    @Test
    void sinceKeepsWhatWasStillGoingIncludingOpenIncidentsThatStartedEarlier() {
        assertThat(ids(since(Instant.ofEpochMilli(NOW - 24 * HOUR))))
                .containsExactly("mail-flood", "dos-burst", "hostile", "lookalike", "long-iowait");
        assertThat(ids(since(Instant.ofEpochMilli(NOW - 30 * IncidentFixtures.MINUTE))))
                .containsExactly("mail-flood", "long-iowait");
    }

    @Test
    void untilDropsWhatStartedLater() {
        assertThat(ids(new IncidentFilter(null, Instant.ofEpochMilli(NOW - 3 * HOUR), null, null, null, false, 100)))
                .containsExactly("hostile", "lookalike", "long-iowait", "old-iowait");
    }

    @Test
    void aSinceAfterUntilIsRefused() {
        assertThatThrownBy(() -> new IncidentFilter(Instant.ofEpochMilli(NOW), Instant.ofEpochMilli(NOW - 1), null, null, null, false, 1))
                .hasMessageContaining("is after until");
    }

    @Test
    void kindHostAndOpenFilter() {
        assertThat(ids(new IncidentFilter(null, null, IncidentKind.DOS, null, null, false, 100)))
                .containsExactly("dos-burst", "hostile", "lookalike");
        assertThat(ids(new IncidentFilter(null, null, null, "WEB1", null, false, 100)))
                .containsExactly("mail-flood", "long-iowait", "old-iowait");
        assertThat(ids(new IncidentFilter(null, null, null, null, null, true, 100)))
                .containsExactly("mail-flood", "long-iowait");
        assertThat(ids(new IncidentFilter(null, null, IncidentKind.IOWAIT, "web1", null, true, 100)))
                .containsExactly("long-iowait");
    }

    @Test
    void culpritMatchesAnyCulpritByCaseInsensitiveSubstring() {
        assertThat(ids(culprit("MARIADB"))).containsExactly("long-iowait");
        assertThat(ids(culprit("wp-login"))).containsExactly("dos-burst");
        assertThat(ids(culprit("vda"))).containsExactly("long-iowait");
        assertThat(ids(culprit("nobody"))).isEmpty();
    }

    @Test
    void likeWildcardsQuotesAndSqlInCulpritAreMatchedLiterally() throws Exception {
        assertThat(ids(culprit("%"))).containsExactly("hostile");
        assertThat(ids(culprit("_"))).containsExactly("mail-flood", "hostile"); // contact_form.php has one too
        assertThat(ids(culprit("0%"))).containsExactly("hostile");
        assertThat(ids(culprit("a_b"))).containsExactly("hostile");
        assertThat(ids(culprit("'"))).containsExactly("hostile", "lookalike");
        assertThat(ids(culprit("'off'"))).containsExactly("hostile");
        assertThat(ids(culprit("\\"))).containsExactly("hostile");
        assertThat(ids(culprit("\""))).containsExactly("hostile");
        assertThat(ids(culprit("'; DROP TABLE incidents; --"))).containsExactly("hostile");
        assertThat(ids(culprit(HOSTILE))).containsExactly("hostile");
        assertThat(ids(culprit("x' OR '1'='1"))).isEmpty();

        assertThat(count("SELECT COUNT(*) FROM incidents")).isEqualTo(6);
        assertThat(count("SELECT COUNT(*) FROM culprits")).isEqualTo(8);
    }

    @Test
    void likeLiteralEscapesTheEscapeCharacterToo() {
        assertThat(IncidentQueries.likeLiteral("a\\%_b")).isEqualTo("a\\\\\\%\\_b");
    }

    @Test
    void limitKeepsTheNewest() {
        assertThat(ids(IncidentFilter.all(2))).containsExactly("mail-flood", "dos-burst");
    }

    @Test
    void oneIncidentHasItsCulpritsWithEvidenceAndDetailsItsTimelineAndItsLinks() {
        IncidentDetail detail = queries.find("long-iowait").orElseThrow();

        assertThat(detail.culprits()).hasSize(2);
        IncidentDetail.StoredCulprit db = detail.culprits().get(0);
        assertThat(db.name()).isEqualTo("812 mariadbd");
        assertThat(db.evidence()).containsExactlyInAnyOrderEntriesOf(Map.of("blkioDelayMs", 950.0, "writeBytesPerSec", 5.2e7));
        assertThat(db.details()).containsEntry("cmdline", "/usr/sbin/mariadbd").containsEntry("disks", "vda");
        assertThat(detail.culprits().get(1).evidence()).containsEntry("awaitMs", 41.5);
        assertThat(detail.timeline()).extracting(IncidentDetail.TimelineEntry::state, IncidentDetail.TimelineEntry::ts)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("firing", NOW - 30 * HOUR),
                        org.assertj.core.groups.Tuple.tuple("update", NOW - 20 * HOUR));
        // mail-flood named long-iowait as related: the link shows from this side too
        assertThat(detail.linked()).extracting(IncidentDetail.LinkedIncident::id).containsExactly("mail-flood");
        assertThat(detail.linked().get(0).kind()).isEqualTo("mail");
    }

    @Test
    void aLinkToAnIncidentNotStoredYetIsShownAsUnknown() {
        IncidentDetail detail = queries.find("mail-flood").orElseThrow();

        assertThat(detail.linked()).extracting(IncidentDetail.LinkedIncident::id).containsExactly("long-iowait", "not-stored-yet");
        assertThat(detail.linked().get(0).known()).isTrue();
        assertThat(detail.linked().get(1).known()).isFalse();
    }

    @Test
    void anUnknownIdIsEmpty() {
        assertThat(queries.find("no-such-incident")).isEmpty();
        assertThat(queries.find("' OR '1'='1")).isEmpty();
    }

    @Test
    void aDatabaseWithoutCulpritsSchemaIsRefused() {
        DatabaseAccess other = new DatabaseAccess("jdbc:h2:file:" + dir.resolve("other").toAbsolutePath(),
                new DatabaseLogin("someone", "else"));

        assertThatThrownBy(() -> IncidentQueries.open(other)).hasMessageContaining("is not a Culprit database");
    }

    @Test
    void readsWhileThePipelineWrites() throws Exception {
        IncidentStore writer = new IncidentStore(data.database("culprit"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread pipeline = new Thread(() -> {
            try {
                for (int n = 0; !stop.get(); n++) {
                    writer.save(List.of(IncidentFixtures.alert("live-" + n, "web9", IncidentKind.IOWAIT, NOW + n, null,
                            Alert.State.FIRING, NOW + n, List.of(IncidentFixtures.culprit("process", "9 live")), List.of())));
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        pipeline.start();
        try {
            int seen = 0;
            for (int round = 0; round < 50; round++) {
                int now = queries.list(new IncidentFilter(null, null, null, "web9", null, true, 100_000)).size();
                assertThat(now).isGreaterThanOrEqualTo(seen);
                seen = now;
                queries.find("long-iowait").orElseThrow();
            }
            assertThat(seen).isPositive();
        } finally {
            stop.set(true);
            pipeline.join();
        }
        assertThat(failure.get()).isNull();
    }

    private long count(String sql) throws Exception {
        try (Connection c = data.admin("culprit").connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aReportReadsOneHostsEventsInItsWindowInTimeOrderUpToTheLimit() {
        List<dev.culprit.events.Event> stored = new java.util.ArrayList<>();
        for (long ts = 10_000; ts > 0; ts -= 1_000) {
            stored.add(new dev.culprit.events.PhpMail("web1", "phpmail", ts, 1, "/var/www/a.php", 1,
                    dev.culprit.events.PhpMail.Origin.FILE, List.of(), "s", "/var/log/php/mail.log", ts));
            stored.add(new dev.culprit.events.PhpMail("web2", "phpmail", ts, 1, "/var/www/a.php", 1,
                    dev.culprit.events.PhpMail.Origin.FILE, List.of(), "s", null, null));
        }
        new RawEventStore(data.database("culprit")).save(stored);

        List<dev.culprit.events.Event> window = queries.events("web1", 3_000, 8_000, 100);
        assertThat(window).extracting(dev.culprit.events.Event::ts).containsExactly(3_000L, 4_000L, 5_000L, 6_000L, 7_000L);
        assertThat(window).allSatisfy(e -> assertThat(e.host()).isEqualTo("web1"));
        assertThat(((dev.culprit.events.PhpMail) window.get(0)).offset()).isEqualTo(3_000L);
        assertThat(queries.events("web1", 0, 100_000, 3)).extracting(dev.culprit.events.Event::ts).containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(queries.events("nobody", 0, 100_000, 3)).isEmpty();
    }
}
