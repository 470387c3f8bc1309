package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.rules.RuleSet;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command that runs the detection job lets the operator choose (a picocli mixin). */
final class DetectionOptions {

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Rule files (see rules/*.yaml; default: $CULPRIT_RULES, else /etc/culprit/rules/, "
                    + "else the shipped rules built in).")
    Path rulesDir;

    @Option(names = "--keep-events", converter = DurationConverter.class, defaultValue = "7d", paramLabel = "DURATION",
            description = "How long raw host events stay in H2 for `culprit capture` (default: ${DEFAULT-VALUE}).")
    Duration keepEvents;

    @Option(names = "--webhook", paramLabel = "URL", converter = WebhookUrlConverter.class,
            description = "Also POST every alert to this http(s) URL (retried, never blocking detection).")
    URI webhook;

    @Option(names = "--webhook-format", paramLabel = "FORMAT", defaultValue = "json",
            description = "Body of webhook posts: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    WebhookAlerts.Format webhookFormat;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * The rules to start with, from --rules or the search order, saying which in one line; a
     * mistake in a rule file is a RuleFileException naming file and line.
     */
    RuleSet rules() {
        return SearchOrder.of(spec).loadRules(rulesDir, spec.commandLine().getErr());
    }

    /** A usage mistake in these options, or null. */
    String mistake() {
        return keepEvents.isZero() ? "--keep-events must be more than zero" : null;
    }

    /** The webhook outlet, or null without --webhook. */
    WebhookAlerts webhookOutlet() {
        return webhook == null ? null : new WebhookAlerts(webhook, webhookFormat);
    }

    static List<Consumer<Alert>> outlets(WebhookAlerts webhookOutlet) {
        return webhookOutlet == null ? List.of() : List.of(webhookOutlet);
    }
}
