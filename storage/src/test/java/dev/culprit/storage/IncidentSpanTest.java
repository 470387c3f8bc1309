package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentSpanTest {

    @TempDir
    Path dir;

    private static Alert alert(Alert.State state, long ts, Long end) {
        Incident incident = new Incident("web1", "mail-detector", ts, 1, "web1-mail-1000", IncidentKind.MAIL,
                Severity.WARNING, "mail", 1000, end, end == null ? null : "condition cleared", "mail flood on web1", List.of(), List.of());
        return new Alert("web1", "mail-detector", ts, 1, state, incident);
    }

    @Test
    void anOpenIncidentHasNoEndUntilItResolves() {
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        IncidentStore store = new IncidentStore(db);

        store.save(List.of(alert(Alert.State.FIRING, 11_000, null)));
        IncidentSpan open = IncidentSpan.find(db, "web1-mail-1000").orElseThrow();
        store.save(List.of(alert(Alert.State.RESOLVED, 60_000, 30_000L)));
        IncidentSpan resolved = IncidentSpan.find(db, "web1-mail-1000").orElseThrow();

        assertThat(open).isEqualTo(new IncidentSpan("web1-mail-1000", "web1", 1000, null));
        assertThat(resolved).isEqualTo(new IncidentSpan("web1-mail-1000", "web1", 1000, 30_000L));
        assertThat(IncidentSpan.find(db, "web1-mail-9")).isEmpty();
    }
}
