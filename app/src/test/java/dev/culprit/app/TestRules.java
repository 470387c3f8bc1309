package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Rule directories for tests that must see incidents end within their time budget. */
final class TestRules {

    private TestRules() {}

    /**
     * The shipped rule files, the mail rule's window and cool-down (10 min each) shortened to 1 min
     * and 30 s: a mail flood then resolves within a few minutes of host time, not twenty.
     */
    static Path shippedWithAShortMailWindow(Path dir) throws Exception {
        Path shipped = Path.of("../rules");
        Path rules = Files.createDirectories(dir.resolve("rules"));
        for (String kind : List.of("iowait", "dos", "mail")) {
            Files.copy(shipped.resolve(kind + ".yaml"), rules.resolve(kind + ".yaml"));
        }
        Path mail = rules.resolve("mail.yaml");
        String text = Files.readString(mail);
        String shortened = text.replaceFirst("(?m)^window: 10m", "window: 1m").replaceFirst("(?m)^cooldown: 10m", "cooldown: 30s");
        assertThat(shortened).as("the shipped mail.yaml still has window: 10m and cooldown: 10m").isNotEqualTo(text)
                .contains("window: 1m").contains("cooldown: 30s");
        Files.writeString(mail, shortened);
        return rules;
    }
}
